// Products as the person sees them: the server's copy with the changes still in the outbox laid on top,
// so that a product made offline is there at once, with its photos and its "waiting to be sent" mark.
import { N_, t } from "app/i18n.js";

export const TITLE_LENGTH = [10, 120];

const STATUS = { draft: N_("Draft"), published: N_("On sale"), archived: N_("Hidden") };
export const statusName = (status) => t(STATUS[status] || STATUS.draft);

// The server's product (or nothing, for one made offline) with the outbox items about it applied.
export function overlay(product, items, productId) {
  let view = product ? { ...product, photos: [...(product.photos || [])] } : null;
  let pending = false;
  for (const item of items) {
    const about = item.kind === "product" ? item.id : item.payload?.product;
    if (about !== productId) continue;
    pending = true;
    if (item.kind === "product" && !view) {
      view = { id: item.id, seller_id: item.payload.seller, status: "draft", photos: [], ...item.payload.fields };
    } else if (item.kind === "product_edit" && view) {
      Object.assign(view, item.payload.changes);
    } else if (item.kind === "product_publish" && view) {
      view.publishing = true;
    } else if (item.kind === "photo" && view && !view.photos.some((photo) => photo.id === item.id)) {
      view.photos.push({ id: item.id, seq: item.seq, pending: true, width: item.payload.width, height: item.payload.height, hints: [] });
    } else if (item.kind === "photo_order" && view) {
      const byId = new Map(view.photos.map((photo) => [photo.id, photo]));
      view.photos = item.payload.photo_ids.map((id) => byId.get(id)).filter(Boolean)
        .concat(view.photos.filter((photo) => !item.payload.photo_ids.includes(photo.id)));
    }
    if (item.state === "refused") view && (view.refused = item);
  }
  if (view) view.pending = pending;
  return view;
}

// Products made on this phone that the server does not have yet.
export function madeOffline(items, sellerId, known) {
  return items.filter((item) => item.kind === "product" && item.payload.seller === sellerId && !known.has(item.id))
    .map((item) => overlay(null, items, item.id));
}

// What is missing before the product can be put on sale, in plain words (the server says the same).
export function missingForSale(product) {
  const missing = [];
  const title = (product.title || "").trim();
  if (title.length < TITLE_LENGTH[0] || title.length > TITLE_LENGTH[1]) missing.push(t("A name of 10 to 120 letters, e.g. “Mật ong rừng Na Hang 500ml”."));
  if (!product.price_vnd) missing.push(t("A price."));
  if (!product.photos?.length) missing.push(t("At least one photo."));
  if (!product.category) missing.push(t("A category."));
  return missing;
}
