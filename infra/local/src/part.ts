/** One part of the infra as `up` left it. */
export interface StartedPart {
  name: string;
  /** host:port list for Kafka, a URL for the others. */
  address: string;
  /** local, embedded, machine, or external (with the variable that chose it). */
  mode: string;
  /** True when this call started it (so whoever called `up` may stop it). */
  started: boolean;
  pid?: number;
  logFile?: string;
}

/** One part as `status` sees it. */
export interface PartStatus {
  name: string;
  mode: string;
  address: string;
  pid: number | undefined;
  answers: boolean;
  logFile: string | undefined;
  /** Started only when asked for (Zipkin, with tracing): not answering is not a failure. */
  optional?: boolean;
}
