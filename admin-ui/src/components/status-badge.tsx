export function StatusBadge({ status }: { status: string }) {
  return <span class={`badge status-${status.replaceAll(' ', '-')}`}>{status}</span>;
}
