// The Pay page with Stripe as the processor: Stripe Elements mounts the card field (an iframe from js.stripe.com, so the
// card number never touches Pitlane), confirms the payment with the intent's client secret, then goes on to the page
// the payment link names (a booking, an order) or Receipts.
(() => {
  const holder = document.getElementById('card-element');
  if (!holder || !window.Stripe) return;
  const stripe = window.Stripe(holder.dataset.stripeKey);
  const card = stripe.elements().create('card');
  card.mount(holder);
  const button = document.getElementById('pay-card');
  const errors = document.getElementById('card-errors');
  button.addEventListener('click', async () => {
    button.disabled = true;
    errors.textContent = '';
    const { error } = await stripe.confirmCardPayment(holder.dataset.clientSecret, { payment_method: { card } });
    if (error) {
      errors.textContent = error.message;
      button.disabled = false;
    } else {
      location.href = holder.dataset.back;
    }
  });
})();
