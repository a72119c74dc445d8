import t from 'tap'
import { refusedAddress, refusedDestination, refusedUrl } from '../src/webhooks/destination.js'

// Webhooks are URLs a client chose and the server fetches: none may reach into its own network.

t.test('addresses: loopback, private, link-local, CGNAT, multicast and reserved ranges are not public, in IPv4 and IPv6', async (t) => {
  for (const ip of ['0.0.0.0', '10.0.0.1', '100.64.0.1', '127.0.0.1', '127.255.255.254', '169.254.169.254', '172.16.0.1', '172.31.255.255', '192.0.0.8', '192.168.0.1', '198.18.0.1', '224.0.0.1', '255.255.255.255', '::', '::1', 'fd12:3456::1', 'fe80::1', 'ff02::1', '::ffff:10.0.0.1', '::FFFF:127.0.0.1', '::7f00:1', '::ffff:0:a00:1', '64:ff9b::a00:1', '64:ff9b:1::1', '2001:0:4136:e378::1', '2002:7f00:1::', 'fec0::1']) {
    t.match(refusedAddress(ip), { en: /is not a public address/, zh: /不是公网地址/ }, ip)
  }
  for (const ip of ['8.8.8.8', '172.32.0.1', '203.0.113.5', '2001:db8::1', '2606:4700::1111', '::ffff:8.8.8.8']) {
    t.equal(refusedAddress(ip), null, ip)
  }
})

t.test('URLs: literal addresses and local names are judged without resolving', async (t) => {
  t.match(refusedUrl('http://localhost:3000/x'), { en: /local name/, zh: /本地主机名/ })
  t.match(refusedUrl('http://API.LOCALHOST/x'), { en: /local name/ })
  t.match(refusedUrl('http://[::1]:8080/'), { en: /not a public address/ })
  t.match(refusedUrl('http://127.1/'), { en: /not a public address/ }, 'the URL parser reads shorthand IPv4 as the address it is')
  t.match(refusedUrl('http://[zz]/'), { en: /is not a URL fetch can use/, zh: /不是可用于发送请求的URL/ })
  t.equal(refusedUrl('https://receiver.example/hook'), null)
  t.equal(refusedUrl('https://[2606:4700::1111]/hook'), null)
})

t.test('before a delivery the name is resolved, and every address it has must be public', async (t) => {
  const resolvesTo = (...addresses: string[]) => async () => addresses.map((address) => ({ address }))
  t.equal(await refusedDestination('https://receiver.example/hook', resolvesTo('203.0.113.5', '2001:db8::1')), null)
  t.match(await refusedDestination('https://receiver.example/hook', resolvesTo('203.0.113.5', '10.0.0.7')), /receiver\.example resolves to 10\.0\.0\.7 is not a public address/)
  t.match(await refusedDestination('http://localhost/x', resolvesTo('203.0.113.5')), /local name/, 'a local name is refused before resolving')
  const unresolvable = async () => {
    throw Object.assign(new Error('getaddrinfo ENOTFOUND'), { code: 'ENOTFOUND' })
  }
  t.match(await refusedDestination('https://nowhere.example/', unresolvable), /does not resolve \(ENOTFOUND\)/)
  const noCode = async () => {
    throw new Error('resolver down')
  }
  t.match(await refusedDestination('https://nowhere.example/', noCode), /does not resolve \(Error: resolver down\)/)
  let asked = false
  const spy = async () => {
    asked = true
    return []
  }
  t.equal(await refusedDestination('http://203.0.113.5/in', spy), null)
  t.equal(asked, false, 'a literal public address needs no look-up')
  // The default resolver: a literal loopback address is refused without any look-up.
  t.match(await refusedDestination('http://127.0.0.1:9/'), /not a public address/)
})
