import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

/**
 * The server's measurements, in Prometheus form at GET /metrics. Created once in main.ts
 * and handed to the parts that count things.
 */
export class Metrics {
  readonly registry = new Registry();
  readonly webhookSeconds = new Histogram({
    name: 'hotline_webhook_duration_seconds',
    help: 'Time to answer a Twilio webhook',
    labelNames: ['route', 'status'] as const,
    buckets: [0.0005, 0.001, 0.002, 0.005, 0.01, 0.025, 0.05, 0.1, 0.5],
    registers: [this.registry],
  });
  readonly mediaFrames = new Counter({ name: 'hotline_media_frames_total', help: 'Media frames fed to recognisers', labelNames: ['track'] as const, registers: [this.registry] });
  readonly garbageFrames = new Counter({ name: 'hotline_media_garbage_frames_total', help: 'Media Streams frames refused as malformed', registers: [this.registry] });
  readonly droppedFrames = new Counter({ name: 'hotline_media_dropped_frames_total', help: 'Audio frames dropped because they arrived too late to be live', registers: [this.registry] });
  readonly streams = new Gauge({ name: 'hotline_media_streams', help: 'Open Media Streams connections', registers: [this.registry] });
  readonly streamsRefused = new Counter({ name: 'hotline_media_streams_refused_total', help: 'Media Streams connections refused', labelNames: ['reason'] as const, registers: [this.registry] });
  readonly calls = new Gauge({ name: 'hotline_calls_live', help: 'Calls in progress', registers: [this.registry] });
  readonly speechErrors = new Counter({ name: 'hotline_speech_errors_total', help: 'Errors from the speech service', labelNames: ['code'] as const, registers: [this.registry] });
  readonly transcripts = new Counter({ name: 'hotline_transcript_results_total', help: 'Recognition results', labelNames: ['kind'] as const, registers: [this.registry] });
  readonly selfService = new Counter({ name: 'hotline_ivr_self_service_total', help: 'IVR self-service outcomes (直接答复率 = resolved / all asked)', labelNames: ['outcome'] as const, registers: [this.registry] });
  readonly suggestionUpdates = new Counter({ name: 'hotline_suggestion_updates_total', help: 'Knowledge-base suggestion lists sent to consoles', labelNames: ['based_on'] as const, registers: [this.registry] });
  readonly kbUsed = new Counter({ name: 'hotline_kb_answers_used_total', help: 'Suggested answers operators marked used, by their rank', labelNames: ['rank'] as const, registers: [this.registry] });
  readonly consoleClients = new Gauge({ name: 'hotline_console_clients', help: 'Connected console clients', registers: [this.registry] });

  constructor(withDefaults = true) {
    if (withDefaults) collectDefaultMetrics({ register: this.registry });
  }
}
