// The guide's forms (a day, workbook.md): as they type, ask the server for the page as a member
// will see it (the day, or the workbook's own page). The form names its preview endpoint in
// data-preview; that endpoint writes nothing, and saving stays an explicit press of "Check and publish".
const form = document.querySelector('form[data-preview]');
const target = document.getElementById('wb-preview');
const WAIT_MS = 350;

if (form && target && form.dataset.preview) {
  let timer = 0;
  let latest = 0;
  let controller = null;

  const refresh = async () => {
    const mine = ++latest;
    if (controller) controller.abort();
    controller = new AbortController();
    const body = new FormData(form);
    target.setAttribute('aria-busy', 'true');
    try {
      const response = await fetch(form.dataset.preview, {
        method: 'POST',
        body,
        credentials: 'same-origin',
        headers: { 'X-CSRFToken': String(body.get('csrfmiddlewaretoken') || '') },
        signal: controller.signal,
      });
      if (mine !== latest) return;
      if (!response.ok) {
        target.dataset.state = 'stale';
        return;
      }
      // Server-rendered from the guide's own fields, escaped by the template like the member's page.
      target.innerHTML = await response.text();
      target.dataset.state = 'fresh';
      target.dispatchEvent(new CustomEvent('wb-preview-updated'));
    } catch (error) {
      if (error.name !== 'AbortError') target.dataset.state = 'stale';
    } finally {
      if (mine === latest) target.removeAttribute('aria-busy');
    }
  };

  const soon = () => {
    clearTimeout(timer);
    timer = setTimeout(refresh, WAIT_MS);
  };
  // The Markdown box sits outside the <form> element (beside it), tied to it by its form attribute.
  const ours = (event) => {
    if (event.target && event.target.form === form) soon();
  };
  document.addEventListener('input', ours);
  document.addEventListener('change', ours);
}
