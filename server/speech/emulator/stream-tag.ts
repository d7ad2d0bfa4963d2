/**
 * Emulator mode only: the recogniser names the call and track a connection carries in
 * this URL query parameter, so the emulator knows whose script to play. Real Azure
 * connections never carry it.
 */
export const STREAM_QUERY_PARAMETER = 'hotlineStream';

export function streamTag(callSid: string, track: 'inbound' | 'outbound'): string {
  return `${callSid}:${track}`;
}
