import { LIMITS } from '@tether/client';

type Limit = keyof typeof LIMITS;

/**
 * Writes the protocol's limits into the page, so the markup states none itself:
 * `data-minlength` / `data-maxlength` name the limit an input's length attribute takes, and an
 * element with `data-limit` shows that limit's number.
 */
export function applyLimits(root: ParentNode): void {
  for (const element of root.querySelectorAll<HTMLElement>('[data-minlength], [data-maxlength]')) {
    const { minlength, maxlength } = element.dataset;
    if (minlength) element.setAttribute('minlength', String(LIMITS[minlength as Limit]));
    if (maxlength) element.setAttribute('maxlength', String(LIMITS[maxlength as Limit]));
  }
  for (const element of root.querySelectorAll<HTMLElement>('[data-limit]')) {
    element.textContent = String(LIMITS[element.dataset.limit as Limit]);
  }
}
