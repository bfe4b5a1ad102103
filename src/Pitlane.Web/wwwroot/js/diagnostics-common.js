// The diagnostics pages' helpers (kiosk and technician dashboard), on top of the shared window.Pitlane module.
window.PitlaneDiagnostics = (() => {
  const { api, follow } = window.Pitlane;

  /** Waits for a scan to complete or fail; progress comes from the hub and from the scan row (stage, percent). */
  const followScan = (scan, onProgress, url = `/api/v1/scans/${scan.id}`, live = true) => follow(scan.jobId, {
    live,
    onProgress: message => onProgress({ progress: message.progress, stage: message.message, state: message.state }),
    poll: async () => {
      const current = await api('GET', url);
      onProgress({ progress: current.progress, stage: current.stage, state: current.status });
      return current.status === 'completed' || current.status === 'failed' ? current : null;
    },
  });

  const bandClass = band => ({ good: 'band-good', fair: 'band-fair', poor: 'band-poor', critical: 'band-critical' }[band] || 'band-unknown');
  const severityClass = severity => ({
    critical: 'text-bg-danger', high: 'text-bg-danger', medium: 'text-bg-warning', moderate: 'text-bg-warning',
    low: 'text-bg-info', info: 'text-bg-secondary', informational: 'text-bg-secondary',
  }[severity] || 'text-bg-secondary');

  return { ...window.Pitlane, followScan, bandClass, severityClass };
})();
