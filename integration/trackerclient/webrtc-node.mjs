// webrtc-node.mjs stands in for 'webrtc-polyfill' (see webrtc-hooks.mjs):
// the WebRTC classes simple-peer imports, taken from @roamhq/wrtc. It is a
// CommonJS module whose exports ESM cannot name directly, hence this file.
import wrtc from '@roamhq/wrtc'

export const { RTCPeerConnection, RTCSessionDescription, RTCIceCandidate } = wrtc
export default wrtc
