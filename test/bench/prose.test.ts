// scripts/size.ts: the text of the messages in a bundle, which the size figures report beside the bundle.
import { describe, expect, it } from 'vitest'
import { proseLiterals } from '../../scripts/size.ts'

describe('proseLiterals', () => {
  it('keeps the literals that hold words, in strings and in the literal parts of templates', async () => {
    const code = `const a="authorization",b='Bearer ',c=\`/open-apis/x/\${id}\`;
      throw new Error(\`domain "\${d}" must use https (plain http is allowed only on loopback).\`);
      f("no answer within the deadline",{k:'x y'}, \`a\${1}b c\${2} d\`)`
    expect(await proseLiterals(code)).toEqual([
      'domain "',
      '" must use https (plain http is allowed only on loopback).',
      'no answer within the deadline',
      'x y',
      'b c',
      ' d',
    ])
  })

  it('reads escapes as the text they stand for, and ignores comments and regular expressions', async () => {
    const code = `/* a comment with words */ const r=/a b/; // more words
      const m="tab\\there\\u0020and a quote \\""`
    expect(await proseLiterals(code)).toEqual(['tab\there and a quote "'])
  })
})
