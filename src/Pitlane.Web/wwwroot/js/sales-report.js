// The report page: waits for the transcript, then reloads.
(() => {
  // The transcript is prepared in the background; reload once it is ready.
  const P = window.Pitlane;
  const session = document.currentScript.dataset.session;
  const check = () => P.api('GET', '/api/v1/sales/sessions/' + session).then(x => x.transcriptStatus === 'Pending' ? setTimeout(check, 3000) : location.reload()).catch(() => setTimeout(check, 5000));
  setTimeout(check, 3000);
})();
