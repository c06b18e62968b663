import { describe, expect, it } from 'vitest'
import { imageUrlProblem } from './url-policy.ts'

describe('image URL policy', () => {
  it.each([
    'https://cdn.example.com/p/1.jpg',
    'http://images.shop.co.kr/이미지.png',
    'https://8.8.8.8/a.png',
    'https://[2001:db8::1]/a.png',
    'https://172.32.0.1/a.png',
    'https://[2002:808:808::1]/a.png',
    'https://[64:ff9b::808:808]/a.png',
    '/demo/DEMO-AUD-001.svg',
    '/이미지/상품.png',
  ])('accepts %s', (url) => {
    expect(imageUrlProblem(url)).toBeNull()
  })

  it.each([
    ['ftp://example.com/a.png', /http or https/],
    ['javascript:alert(1)', /http or https/],
    ['data:image/png;base64,AAAA', /http or https/],
    ['relative/a.png', /absolute/],
    ['//evil.example.com/a.png', /another host/],
    ['/\\evil.example.com/a.png', /another host/],
    ['/a b.png', /spaces/],
    ['/a\nb.png', /control/],
    ['https://user:pw@example.com/a.png', /credentials/],
    ['http://localhost/a.png', /localhost/],
    ['http://LOCALHOST./a.png', /localhost/],
    ['http://img.localhost/a.png', /localhost/],
    ['http://127.0.0.1/a.png', /loopback/],
    ['http://2130706433/a.png', /loopback/],
    ['http://0x7f.1/a.png', /loopback/],
    ['http://10.1.2.3/a.png', /private/],
    ['http://172.16.5.4/a.png', /private/],
    ['http://192.168.0.10/a.png', /private/],
    ['http://169.254.169.254/latest/meta-data', /link-local/],
    ['http://100.64.0.1/a.png', /private/],
    ['http://0.0.0.0/a.png', /loopback/],
    ['http://[::1]/a.png', /loopback/],
    ['http://[fe80::1]/a.png', /link-local/],
    ['http://[fd12:3456::1]/a.png', /private/],
    ['http://[::ffff:127.0.0.1]/a.png', /loopback/],
    ['http://[::ffff:192.168.1.1]/a.png', /private/],
    ['http://[::ffff:7f00:1]/a.png', /loopback/],
    ['http://[::127.0.0.1]/a.png', /loopback/],
    ['http://[64:ff9b::a9fe:a9fe]/a.png', /link-local/],
    ['http://[2002:c0a8:101::1]/a.png', /private/],
    ['http://metadata.google.internal/computeMetadata/v1/', /internal/],
    ['http://printer.local/a.png', /internal/],
    ['http://metadata/latest', /internal/],
    [`https://example.com/${'a'.repeat(2100)}`, /at most/],
  ])('refuses %s', (url, reason) => {
    expect(imageUrlProblem(url)).toMatch(reason)
  })
})
