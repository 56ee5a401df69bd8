// The TypeScript reference's TypeDoc options, shared by `npm run docs` (which renders them) and the test that holds
// every export of the package to a doc comment (test/docs/reference.test.ts).
import { OptionDefaults, type TypeDocOptions } from 'typedoc'

/** The package's entry points, as its `exports` map names them. */
export const REFERENCE_ENTRIES = ['src/index.ts', 'src/catalog.ts', 'src/msw/index.ts', 'src/sandbox/server.ts', 'src/limiter/index.ts', 'src/bulk/index.ts']

/** TypeDoc's options for the reference of `root`'s package (tsconfig and entries resolved from it). */
export const referenceOptions = (tsconfig: string): Partial<TypeDocOptions> => ({
  entryPoints: REFERENCE_ENTRIES,
  tsconfig,
  name: 'feishu-meeting-chat',
  readme: 'none',
  // openapi-typescript's doc tags in the generated types.
  blockTags: [...OptionDefaults.blockTags, '@description', '@constant'],
  excludePrivate: true,
  excludeInternal: true,
  githubPages: false,
  hideGenerator: true,
  validation: { notExported: false, invalidLink: true, notDocumented: false },
  logLevel: 'Warn',
})
