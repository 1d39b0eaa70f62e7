// webrtc-hooks.mjs is a Node module-resolution hook (node:module register)
// that resolves the bare specifier 'webrtc-polyfill' to ./webrtc-node.mjs.
//
// Why: bittorrent-tracker 11's client makes its WebRTC peers with
// @thaunknown/simple-peer, which imports RTCPeerConnection & co. from
// 'webrtc-polyfill'. In a browser that package is the browser's own WebRTC;
// in Node it is node-datachannel, whose binary is fetched from GitHub at
// install time. Here the same three classes come from @roamhq/wrtc
// (Google's libwebrtc, prebuilt, from the npm registry). The tracker client
// itself runs unmodified.
const target = new URL('./webrtc-node.mjs', import.meta.url).href

export async function resolve (specifier, context, nextResolve) {
  if (specifier === 'webrtc-polyfill') {
    return { url: target, shortCircuit: true }
  }
  return nextResolve(specifier, context)
}
