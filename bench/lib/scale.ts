// Sizes of every scenario. BENCH_SCALE=small is a tenth of the full run (a quick check); tiny is
// what the smoke test uses (seconds, measures nothing worth quoting).
export type ScaleName = 'full' | 'small' | 'tiny';

export interface Scale {
  name: ScaleName;
  /** Sockets in the fan-out room. */
  members: number;
  /** Sockets per visitor (session): a room's capacity counts people, not tabs. */
  tabsPerVisitor: number;
  /**
   * Sockets that send chat in the fan-out scenario: a tenth of the room. gif-chat handles each
   * socket's frames in order, each chat after the previous one is stored, so a handful of senders
   * would measure one socket's commit latency rather than the server (and nobody types 20 lines
   * a second).
   */
  senders: number;
  /** Offered deliveries per second, rising until the server saturates. */
  fanoutSteps: number[];
  stepMs: number;
  idleSockets: number;
  persistSockets: number;
  persistMs: number;
  historyMessages: number;
  historyRuns: number;
  uploadBytes: number;
  uploadMembers: number;
  loadProcesses: number;
  /**
   * Scale-out: sockets in one room spread evenly over the instances, and a fixed offered load
   * (chats/s from `scaleoutSenders` sockets on all instances) that every configuration sustains on
   * this 2-core machine, so configurations compare latency and CPU at the same work, not peaks.
   */
  scaleoutMembers: number;
  scaleoutChatsPerS: number;
  scaleoutSenders: number;
  scaleoutMs: number;
}

export function scaleFrom(env: NodeJS.ProcessEnv = process.env): Scale {
  const name = (env.BENCH_SCALE ?? 'full') as ScaleName;
  // Doubling up to 400k, then by about √2, so the peak is not missed between two coarse steps.
  const steps = [
    25_000, 50_000, 100_000, 200_000, 400_000, 560_000, 800_000, 1_100_000, 1_600_000, 2_200_000, 3_200_000,
  ];
  if (name === 'tiny') {
    return {
      name,
      members: 20,
      tabsPerVisitor: 10,
      senders: 2,
      fanoutSteps: [2_000, 20_000],
      stepMs: 500,
      idleSockets: 100,
      persistSockets: 4,
      persistMs: 500,
      historyMessages: 2_000,
      historyRuns: 20,
      uploadBytes: 1024 * 1024,
      uploadMembers: 10,
      loadProcesses: 2,
      scaleoutMembers: 20,
      scaleoutChatsPerS: 20,
      scaleoutSenders: 4,
      scaleoutMs: 1000,
    };
  }
  const small = name === 'small';
  return {
    name: small ? 'small' : 'full',
    members: small ? 100 : 1000,
    tabsPerVisitor: 10,
    senders: small ? 10 : 100,
    fanoutSteps: small ? steps.slice(0, 8) : steps,
    stepMs: small ? 1000 : 2000,
    idleSockets: small ? 1000 : 10_000,
    persistSockets: small ? 40 : 200,
    persistMs: small ? 2000 : 5000,
    historyMessages: small ? 100_000 : 1_000_000,
    historyRuns: small ? 200 : 500,
    uploadBytes: 5 * 1024 * 1024,
    uploadMembers: small ? 100 : 1000,
    loadProcesses: 2,
    // 20,000 deliveries/s at full scale: a sixth of what one Socket.IO process fans out at
    // saturation here, so both kinds on every configuration keep up even with the load generators
    // on the same two cores.
    scaleoutMembers: small ? 100 : 400,
    scaleoutChatsPerS: 50,
    scaleoutSenders: small ? 10 : 20,
    scaleoutMs: small ? 2000 : 4000,
  };
}
