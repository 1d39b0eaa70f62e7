// clients.mjs runs bittorrent-tracker's own Client (npm, unmodified) against
// a WebSocket tracker and prints, as one JSON object on stdout, what each
// client saw. go test ./integration -run TrackerClient runs it against the
// real srs-p2p binary.
//
//   node clients.mjs --announce ws://127.0.0.1:PORT/p2p/v1/tracker \
//     --info-hash <40 hex> --unknown-info-hash <40 hex> [--timeout-ms 30000]
//
// Three viewers, each in its own process (as browsers would be: the client
// shares one WebSocket per tracker URL within a process, and a tracker binds
// a peer to its connection):
//   a: announces --info-hash first;
//   b: announces the same info_hash once a had its reply, so the tracker
//      relays one of b's offers to a, a answers, and a WebRTC data channel
//      opens between them over host candidates (no STUN server);
//      each side sends "hello from <its peer id>" over it;
//   c: announces --unknown-info-hash and records the tracker's failure reason.
// When a and b both received the other's hello and c got its failure (or at
// --timeout-ms), every viewer announces "stopped", and the report is printed:
//
//   {"timed_out":false,"viewers":{"a":{"peer_id":"<hex>","info_hash":"<hex>",
//     "updates":[{"complete":0,"incomplete":1,"interval":60}],
//     "peers":[{"id":"<hex>","connected":true,"remote_address":"::1",
//               "remote_port":40008,"received":"hello from <hex>"}],
//     "warnings":[],"errors":[]}, "b":{...}, "c":{...}}}
//
// It exits 0 whenever it printed a report; what the report says is for the
// caller to judge. Exit 2 is a usage error, 1 a crash.
import { fork } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { register } from 'node:module'
import { fileURLToPath } from 'node:url'

const usage = 'usage: node clients.mjs --announce ws://HOST:PORT/PATH --info-hash HEX40 --unknown-info-hash HEX40 [--timeout-ms N]'
const HEX40 = /^[0-9a-f]{40}$/
const STOP_GRACE_MS = 5000

function parseArgs (argv) {
  const out = { timeoutMs: 30000 }
  const names = { '--announce': 'announce', '--info-hash': 'infoHash', '--unknown-info-hash': 'unknownInfoHash', '--timeout-ms': 'timeoutMs', '--viewer': 'viewer' }
  for (let i = 0; i < argv.length; i += 2) {
    const key = names[argv[i]]
    if (!key || i + 1 >= argv.length) throw new Error(`bad argument ${JSON.stringify(argv[i])}`)
    out[key] = argv[i + 1]
  }
  out.timeoutMs = Number(out.timeoutMs)
  if (!/^wss?:\/\/[^\s]+$/.test(out.announce || '')) throw new Error('--announce must be a ws:// or wss:// URL')
  if (!HEX40.test(out.infoHash || '')) throw new Error('--info-hash must be 40 lowercase hex digits')
  if (!out.viewer && !HEX40.test(out.unknownInfoHash || '')) throw new Error('--unknown-info-hash must be 40 lowercase hex digits')
  if (!Number.isInteger(out.timeoutMs) || out.timeoutMs < 1000 || out.timeoutMs > 300000) throw new Error('--timeout-ms must be 1000..300000')
  return out
}

// peerIdHex is a 20-byte peer id: an Azureus-style prefix like WebTorrent's
// and 12 random bytes, many of them >= 0x80, so the tracker must carry the
// latin1 binary string byte-exact.
function peerIdHex () {
  return Buffer.concat([Buffer.from('-SP0001-'), randomBytes(12)]).toString('hex')
}

// ---- viewer: one Client in this process, reporting to the parent over IPC.

async function viewer (args) {
  register('./webrtc-hooks.mjs', import.meta.url)
  const { default: Client } = await import('bittorrent-tracker/client')
  const send = msg => { if (process.connected) process.send(msg) }
  const peerId = peerIdHex()
  const client = new Client({
    infoHash: args.infoHash,
    peerId,
    announce: [args.announce],
    port: 6881, // required by the constructor; unused by WebSocket trackers
    rtcConfig: { iceServers: [] } // host candidates only: nothing leaves the machine
  })
  send({ type: 'hello', peer_id: peerId, info_hash: args.infoHash })
  client.on('update', d => send({ type: 'update', complete: d.complete, incomplete: d.incomplete, interval: d.interval }))
  client.on('warning', err => send({ type: 'warning', message: String(err && err.message) }))
  client.on('error', err => send({ type: 'error', message: String(err && err.message) }))
  client.on('peer', peer => {
    send({ type: 'peer', id: peer.id })
    peer.on('connect', () => {
      send({ type: 'connect', id: peer.id, remote_address: peer.remoteAddress, remote_port: peer.remotePort })
      peer.send(`hello from ${peerId}`)
    })
    peer.on('data', data => send({ type: 'data', id: peer.id, text: Buffer.from(data).toString('utf8').slice(0, 200) }))
    peer.on('error', err => send({ type: 'peer_error', id: peer.id, message: String(err && err.message) }))
  })
  const stop = () => {
    client.stop()
    client.destroy(() => process.exit(0))
    setTimeout(() => process.exit(0), STOP_GRACE_MS).unref()
  }
  process.on('message', msg => { if (msg && msg.cmd === 'stop') stop() })
  process.on('disconnect', () => process.exit(0)) // the parent is gone
  client.start()
}

// ---- parent: start the viewers, collect their events, print the report.

function parent (args) {
  const self = fileURLToPath(import.meta.url)
  const viewers = {}
  const children = {}
  let finished = false

  const start = (name, infoHash) => {
    viewers[name] = { peer_id: null, info_hash: infoHash, updates: [], peers: [], warnings: [], errors: [] }
    const child = fork(self, ['--viewer', name, '--announce', args.announce, '--info-hash', infoHash, '--timeout-ms', String(args.timeoutMs)],
      { stdio: ['ignore', 'ignore', 'inherit', 'ipc'] })
    children[name] = child
    child.on('message', msg => onEvent(name, msg))
    child.on('exit', code => { children[name] = null; if (code) viewers[name].errors.push(`viewer process exited with ${code}`); maybeExit() })
  }

  const peerOf = (v, id) => {
    let p = v.peers.find(p => p.id === id)
    if (!p) {
      p = { id, connected: false, remote_address: null, remote_port: null, received: null }
      v.peers.push(p)
    }
    return p
  }

  const onEvent = (name, msg) => {
    const v = viewers[name]
    switch (msg.type) {
      case 'hello': v.peer_id = msg.peer_id; break
      case 'update':
        v.updates.push({ complete: msg.complete, incomplete: msg.incomplete, interval: msg.interval })
        if (name === 'a' && !viewers.b) start('b', args.infoHash)
        break
      case 'warning': v.warnings.push(msg.message); break
      case 'error': case 'peer_error': v.errors.push(msg.message); break
      case 'peer': peerOf(v, msg.id); break
      case 'connect': Object.assign(peerOf(v, msg.id), { connected: true, remote_address: msg.remote_address ?? null, remote_port: msg.remote_port ?? null }); break
      case 'data': peerOf(v, msg.id).received = msg.text; break
    }
    if (done()) finish(false)
  }

  const greeted = (me, other) => me && other && other.peer_id &&
    me.peers.some(p => p.connected && p.id === other.peer_id && p.received === `hello from ${other.peer_id}`)
  const done = () => greeted(viewers.a, viewers.b) && greeted(viewers.b, viewers.a) &&
    viewers.c && (viewers.c.warnings.length > 0 || viewers.c.errors.length > 0)

  const finish = timedOut => {
    if (finished) return
    finished = true
    clearTimeout(timer)
    const report = JSON.stringify({ timed_out: timedOut, viewers })
    for (const child of Object.values(children)) if (child && child.connected) child.send({ cmd: 'stop' })
    // Print once every viewer announced "stopped" and exited, or after the
    // grace: the report is complete either way.
    const print = () => { process.stdout.write(report + '\n'); process.exit(0) }
    maybeExit = () => { if (Object.values(children).every(c => !c)) print() }
    setTimeout(() => {
      for (const child of Object.values(children)) if (child) child.kill('SIGKILL')
      print()
    }, STOP_GRACE_MS + 1000).unref()
    maybeExit()
  }
  let maybeExit = () => {}

  const timer = setTimeout(() => finish(true), args.timeoutMs)
  start('a', args.infoHash)
  start('c', args.unknownInfoHash)
}

let args
try {
  args = parseArgs(process.argv.slice(2))
} catch (err) {
  process.stderr.write(`clients.mjs: ${err.message}\n${usage}\n`)
  process.exit(2)
}
if (args.viewer) {
  viewer(args).catch(err => {
    process.stderr.write(`clients.mjs viewer ${args.viewer}: ${err && err.stack}\n`)
    process.exit(1)
  })
} else {
  parent(args)
}
