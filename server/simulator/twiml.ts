import { XMLParser } from 'fast-xml-parser';

/**
 * Reads TwiML the way Twilio does, into the verbs the simulator acts on. Anything Twilio
 * would reject (not XML, no <Response>, an unknown verb) is a {@link ProtocolError}.
 */
export interface StreamVerb {
  readonly url: string;
  readonly track: string;
  readonly parameters: Readonly<Record<string, string>>;
}

export type Verb =
  | { readonly name: 'Say'; readonly text: string }
  | { readonly name: 'Play'; readonly url: string }
  | { readonly name: 'Pause'; readonly lengthSeconds: number }
  | { readonly name: 'Gather'; readonly action: string | null; readonly timeoutSeconds: number; readonly input: string; readonly prompts: readonly Verb[] }
  | { readonly name: 'Redirect'; readonly url: string }
  | { readonly name: 'Start'; readonly streams: readonly StreamVerb[] }
  | { readonly name: 'Connect'; readonly streams: readonly StreamVerb[] }
  | { readonly name: 'Enqueue'; readonly queue: string; readonly waitUrl: string | null; readonly action: string | null }
  | { readonly name: 'Dial'; readonly target: string }
  | { readonly name: 'Hangup' }
  | { readonly name: 'Reject' };

export class ProtocolError extends Error {
  override readonly name = 'ProtocolError';
}

type Node = Record<string, unknown> & { ':@'?: Record<string, string> };

const parser = new XMLParser({ preserveOrder: true, ignoreAttributes: false, attributeNamePrefix: '', parseTagValue: false, trimValues: true });

function tagOf(node: Node): string {
  return Object.keys(node).find((k) => k !== ':@')!;
}

function textOf(children: Node[]): string {
  return children.map((c) => (typeof c['#text'] === 'string' ? c['#text'] : '')).join('');
}

function streamsOf(children: Node[], verb: string): StreamVerb[] {
  return children.filter((c) => tagOf(c) === 'Stream').map((s) => {
    const attrs = s[':@'] ?? {};
    if (!attrs['url']) throw new ProtocolError(`<${verb}><Stream> without a url`);
    const parameters: Record<string, string> = {};
    for (const p of (s['Stream'] as Node[]).filter((c) => tagOf(c) === 'Parameter')) {
      const a = p[':@'] ?? {};
      if (a['name']) parameters[a['name']] = a['value'] ?? '';
    }
    return { url: attrs['url'], track: attrs['track'] ?? 'inbound_track', parameters };
  });
}

function verbOf(node: Node): Verb {
  const name = tagOf(node);
  const attrs = node[':@'] ?? {};
  const children = (node[name] as Node[]) ?? [];
  switch (name) {
    case 'Say':
      return { name, text: textOf(children) };
    case 'Play':
      return { name, url: textOf(children) };
    case 'Pause':
      return { name, lengthSeconds: Number(attrs['length'] ?? 1) };
    case 'Gather':
      return {
        name,
        action: attrs['action'] ?? null,
        timeoutSeconds: Number(attrs['timeout'] ?? 5),
        input: attrs['input'] ?? 'dtmf',
        prompts: children.filter((c) => tagOf(c) !== '#text').map(verbOf),
      };
    case 'Redirect':
      return { name, url: textOf(children) };
    case 'Start':
    case 'Connect':
      return { name, streams: streamsOf(children, name) };
    case 'Enqueue':
      return { name, queue: textOf(children), waitUrl: attrs['waitUrl'] ?? null, action: attrs['action'] ?? null };
    case 'Dial':
      return { name, target: textOf(children) };
    case 'Hangup':
    case 'Reject':
      return { name };
    default:
      throw new ProtocolError(`TwiML verb <${name}> is not one Twilio accepts here`);
  }
}

export function parseTwiml(xml: string): Verb[] {
  let doc: Node[];
  try {
    doc = parser.parse(xml) as Node[];
  } catch (error) {
    throw new ProtocolError(`the answer is not XML: ${(error as Error).message}`);
  }
  const response = doc.find((n) => tagOf(n) === 'Response');
  if (!response) throw new ProtocolError('the answer has no <Response>');
  return (response['Response'] as Node[]).filter((c) => tagOf(c) !== '#text').map(verbOf);
}
