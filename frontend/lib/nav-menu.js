// Phones fold the main navigation behind a "Menu" button (service/web/templates/layout.html). The button is
// rendered `hidden` and only shown here, so without scripts the navigation simply stays open; CSS hides the
// navigation only while a visible button says aria-expanded="false", and only on narrow screens.
export function installNavMenu(doc) {
  for (const button of doc.querySelectorAll('button[data-nav-toggle]')) {
    const nav = doc.getElementById(button.getAttribute('aria-controls'));
    if (!nav) continue;
    const setOpen = (open) => button.setAttribute('aria-expanded', String(open));
    setOpen(false);
    button.hidden = false;
    button.addEventListener('click', () => setOpen(button.getAttribute('aria-expanded') !== 'true'));
    // Escape inside the open menu closes it and gives focus back to the button, as in a disclosure menu.
    nav.addEventListener('keydown', (event) => {
      if (event.key !== 'Escape' || button.getAttribute('aria-expanded') !== 'true') return;
      if (getComputedStyle(button).display === 'none') return; // desktop: the row is not a menu
      setOpen(false);
      button.focus();
    });
  }
}
