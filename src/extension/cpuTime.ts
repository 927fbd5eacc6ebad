// CPU time of the extension host's own thread, for telling SCAR's stalls from a busy machine's. Pure (no vscode).
// process.cpuUsage() counts the whole process, including the hygiene and cleaning worker threads and V8's helper
// threads, so a slice measured with it can look long while the host thread did little; process.threadCpuUsage()
// (Node 23.9 and later, as in current VS Code) counts only the calling thread.

type Usage = () => { user: number; system: number };
const threadUsage = (process as { threadCpuUsage?: Usage }).threadCpuUsage;

/** CPU milliseconds of this thread so far, or undefined where Node cannot tell (before 23.9). */
export function threadCpuMs(): number | undefined {
  if (typeof threadUsage !== 'function') return undefined;
  const u = threadUsage.call(process);
  return (u.user + u.system) / 1000;
}

/** CPU milliseconds of this thread where Node can tell, else of the whole process (an over-estimate). */
export function hostCpuMs(): number {
  const t = threadCpuMs();
  if (t !== undefined) return t;
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
}
