import type { IvrUrls } from '../ivr/flow.ts';

/** Where Twilio's webhooks and Media Streams socket live under the server's root. */
export const TWILIO_BASE_PATH = '/twilio';
export const MEDIA_STREAM_PATH = `${TWILIO_BASE_PATH}/media`;

/**
 * The URLs written into TwiML. Webhook URLs are root-relative (Twilio resolves them
 * against the document's URL); the stream URL must be absolute `wss://` with no query.
 */
export function twilioUrls(publicUrl: () => string): IvrUrls {
  const q = (params: Record<string, string | number>) => new URLSearchParams(Object.entries(params).map(([k, v]) => [k, String(v)])).toString();
  return {
    input: (flow, node, attempt, stage) => `${TWILIO_BASE_PATH}/ivr?${q({ flow, node, attempt, ...(stage ? { stage } : {}) })}`,
    queueWait: (flow, node) => `${TWILIO_BASE_PATH}/queue/wait?${q({ flow, node })}`,
    queueDone: (flow, node) => `${TWILIO_BASE_PATH}/queue/done?${q({ flow, node })}`,
    get mediaStream() {
      return mediaStreamUrl(publicUrl());
    },
  };
}

/**
 * Where Twilio reports how a leg away from the queue went: a supervisor's take-over or the
 * <Dial> to an emergency centre (absolute: written into TwiML sent over the REST API).
 */
export function takeOverDoneUrl(publicUrl: string, at: { flow: string; node: string }): string {
  return dialDoneUrl(publicUrl, 'takeover', at);
}

export function emergencyDoneUrl(publicUrl: string, at: { flow: string; node: string }, service: string): string {
  return dialDoneUrl(publicUrl, 'emergency', { ...at, service });
}

function dialDoneUrl(publicUrl: string, leg: 'takeover' | 'emergency', params: Record<string, string>): string {
  return `${publicUrl}${TWILIO_BASE_PATH}/${leg}/done?${new URLSearchParams(params).toString()}`;
}

export function mediaStreamUrl(publicUrl: string): string {
  return publicUrl.replace(/^http/, 'ws') + MEDIA_STREAM_PATH;
}
