import { describe, expect, it } from 'vitest'
import { applinkWriter } from '../../src/fake/applink.ts'

const example = 'https://applink.feishu.cn/client/chat/open?openChatId=oc_a0553eda9014c201e6969b478895c230'

/** What the fake wrote before: the example parsed per chat, its openChatId set, its host changed. */
function byUrl(link: string, chatId: string, hostname?: string): string {
  const url = new URL(link)
  url.searchParams.set('openChatId', chatId)
  if (hostname !== undefined) url.hostname = hostname
  return url.toString()
}

describe('applinkWriter', () => {
  const chatIds = ['oc_0123456789abcdef0123456789abcdef', 'oc-x.y*z', '', 'a b', 'a+b&c=d', 'a/b?c#d', '%41', '\u4e2d\u6587', "it's~(1)!"]
  const examples = [example, 'https://applink.feishu.cn/client/chat/open?a=1&openChatId=x&b=%20&openChatId=y', 'https://applink.feishu.cn/client/chat/open', 'https://applink.feishu.cn/x?q=a+b#frag']

  it('writes what setting openChatId on the parsed example writes, on the example\'s host or another', () => {
    for (const link of examples) {
      for (const hostname of [undefined, 'applink.larksuite.com']) {
        const write = applinkWriter(link, hostname)
        for (const chatId of chatIds) expect(write(chatId), `${link} ${chatId}`).toBe(byUrl(link, chatId, hostname))
      }
    }
  })

  it('puts the chat in the example\'s openChatId', () => {
    expect(applinkWriter(example)('oc_1')).toBe('https://applink.feishu.cn/client/chat/open?openChatId=oc_1')
    expect(applinkWriter(example, 'applink.larksuite.com')('oc_1')).toBe('https://applink.larksuite.com/client/chat/open?openChatId=oc_1')
  })
})
