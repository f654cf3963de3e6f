// One product: its details, its photos from the camera (in order), putting it on sale, and sharing it.
// Everything here works offline: changes go into the outbox and the product shows them at once.
import { html, useEffect, useMemo, useState } from "preact";
import { api, clientId } from "app/api.js";
import { useData } from "app/data.js";
import { shopOf } from "app/helping.js";
import { amount, money, t } from "app/i18n.js";
import * as outbox from "app/outbox.js";
import { prepare } from "app/photos.js";
import { missingForSale, overlay, statusName } from "app/products.js";
import * as router from "app/router.js";
import * as store from "app/store.js";
import { Field, Icon, Notice, Screen, fieldErrors, problem, useOnline, useOutbox } from "app/ui.js";

const FIELDS = ["title", "description", "category", "price_vnd", "unit", "stock", "weight_g"];
const NUMBERS = new Set(["price_vnd", "stock", "weight_g"]);

function formValues(product) {
  return Object.fromEntries(FIELDS.map((name) => [name, product?.[name] ?? ""]));
}

// What the form holds, as the API wants it: numbers as numbers, empty as left out (or null on edit).
function apiFields(values, editing) {
  const fields = {};
  for (const name of FIELDS) {
    let value = typeof values[name] === "string" ? values[name].trim() : values[name];
    if (NUMBERS.has(name) && value !== "") value = amount(value);
    if (value === "" || Number.isNaN(value)) {
      if (editing && name !== "title" && name !== "category") fields[name] = null;
      continue;
    }
    fields[name] = value;
  }
  return fields;
}

function PhotoThumb({ photo }) {
  const [url, setUrl] = useState(photo.urls?.thumb || null);
  useEffect(() => {
    if (!photo.pending) return undefined;
    let objectUrl = null;
    store.blobOf(photo.seq).then((blob) => {
      if (blob) setUrl((objectUrl = URL.createObjectURL(blob)));
    });
    return () => objectUrl && URL.revokeObjectURL(objectUrl);
  }, [photo.seq]);
  return url ? html`<img src=${url} alt="" width="120" height="120" />` : html`<span class="no-photo" />`;
}

function Photos({ product, busy, onAdd, onMove, onRemove }) {
  const count = product.photos.length;
  const allSent = product.photos.every((photo) => !photo.pending);
  return html`<section aria-labelledby="photos-title">
    <h2 id="photos-title">${t("Photos")}</h2>
    <ol class="photos">${product.photos.map((photo, index) => html`<li key=${photo.id}>
      <${PhotoThumb} photo=${photo} />
      ${photo.pending && html`<span class="badge waiting">${t("Waiting to be sent")}</span>`}
      ${(photo.hints || []).map((hint) => html`<p class="hint-photo">${hint.message}</p>`)}
      <div class="photo-actions">
        <button type="button" class="icon-button" aria-label=${t("Move earlier")} disabled=${index === 0 || !allSent}
          onClick=${() => onMove(index, -1)}><${Icon} name="up" /></button>
        <button type="button" class="icon-button" aria-label=${t("Move later")} disabled=${index === count - 1 || !allSent}
          onClick=${() => onMove(index, 1)}><${Icon} name="down" /></button>
        ${!photo.pending && html`<button type="button" class="icon-button" aria-label=${t("Delete this photo")}
          onClick=${() => onRemove(photo)}><${Icon} name="trash" /></button>`}
      </div>
    </li>`)}</ol>
    ${count < 9 && html`<label class="button big camera">
      <${Icon} name="camera" />${busy ? t("Preparing the photo…") : t("Take a photo")}
      <input type="file" accept="image/*" capture="environment" class="sr-only" onChange=${onAdd} disabled=${busy} />
    </label>`}
    <p class="hint">${t("Daylight, a plain background, the whole product in the picture. Up to 9 photos; the first is the cover.")}</p>
  </section>`;
}

function Share({ product }) {
  const [copied, setCopied] = useState(false);
  const url = product.share_url;
  const text = `${product.title} – ${money(product.price_vnd)}`;
  const facebook = `https://www.facebook.com/sharer/sharer.php?u=${encodeURIComponent(url)}`;
  const share = async () => {
    try {
      await navigator.share({ title: product.title, text, url });
    } catch {
      // The person closed the share sheet, or the phone cannot share: the buttons below remain.
    }
  };
  const copy = async () => {
    await navigator.clipboard.writeText(url);
    setCopied(true);
  };
  return html`<section aria-labelledby="share-title" class="share">
    <h2 id="share-title">${t("Share")}</h2>
    <p>${t("Send the link to buyers on Zalo or Facebook: they see the photo, the price and how to buy.")}</p>
    ${navigator.share && html`<button type="button" class="primary big" onClick=${share}><${Icon} name="share" />${t("Share on Zalo, Facebook…")}</button>`}
    <a class="button" href=${facebook} target="_blank" rel="noopener noreferrer">${t("Share on Facebook")}</a>
    <button type="button" onClick=${copy}><${Icon} name="copy" />${copied ? t("Link copied") : t("Copy the link")}</button>
    <p class="link"><a href=${url} data-share-url=${url}>${url}</a></p>
  </section>`;
}

export default function Product({ person, params }) {
  const seller = shopOf(person);
  const [id] = useState(() => params.id || clientId());
  const creating = !params.id;
  const items = useOutbox();
  const online = useOnline();
  const server = useData(`product:${id}`, () => (creating ? null : api("GET", `/products/${id}`).catch((error) => {
    if (error.status === 404 && items.some((item) => item.kind === "product" && item.id === id)) return null;
    throw error;
  })));
  const product = useMemo(() => overlay(server.data, items, id), [server.data, items, id]);
  const categories = useData("categories", () => api("GET", "/categories", { person: null }));
  const [values, setValues] = useState(formValues(product));
  const [errors, setErrors] = useState({});
  const [message, setMessage] = useState(null);
  const [busy, setBusy] = useState(false);
  useEffect(() => { if (product && !creating) setValues(formValues(product)); }, [server.data]);
  // When the outbox has sent what it had about this product, the server's copy is the one to show.
  const waiting = items.filter((item) => item.id === id || item.payload?.product === id).length;
  useEffect(() => { if (!creating && waiting === 0) server.reload(); }, [waiting]);

  if (!seller) return html`<${Screen} name="product" title=${t("Product")}><a class="button primary big" href="/shop">${t("Set up your shop")}</a><//>`;

  const bind = (name) => ({ name, value: values[name], onInput: (e) => setValues({ ...values, [name]: e.target.value }) });
  const save = async (event) => {
    event.preventDefault();
    setErrors({});
    setMessage(null);
    if (creating) {
      await outbox.add("product", { seller: seller.id, fields: apiFields(values, false) }, { id, label: values.title });
      router.navigate(`/products/${id}`, { replace: true });
      return;
    }
    const fields = apiFields(values, true);
    const changes = Object.fromEntries(Object.entries(fields).filter(([name, value]) => (product[name] ?? null) !== value));
    if (Object.keys(changes).length) await outbox.add("product_edit", { product: id, changes }, { label: values.title });
    setMessage(online ? t("Saved.") : t("Saved on this phone; it will be sent when you have signal."));
  };
  const addPhoto = async (event) => {
    const [file] = event.target.files;
    event.target.value = "";
    if (!file) return;
    setBusy(true);
    try {
      const { blob, width, height } = await prepare(file);
      await outbox.add("photo", { product: id, width, height }, { blob, label: product?.title });
    } catch {
      setMessage(t("This photo could not be read. Please take it again."));
    } finally {
      setBusy(false);
    }
  };
  const move = (index, step) => {
    const order = product.photos.map((photo) => photo.id);
    [order[index], order[index + step]] = [order[index + step], order[index]];
    outbox.add("photo_order", { product: id, photo_ids: order });
  };
  const removePhoto = async (photo) => {
    try {
      await api("DELETE", `/products/${id}/photos/${photo.id}`);
      server.reload();
    } catch (error) {
      setMessage(problem(error));
    }
  };
  const publish = async () => {
    await outbox.add("product_publish", { product: id }, { label: product.title });
    setMessage(online ? t("Sent to the catalog.") : t("It will go on sale when you have signal."));
    setTimeout(server.reload, 1500);
  };
  const removeProduct = async () => {
    if (!confirm(t("Delete this product? Buyers will no longer see it."))) return;
    try {
      await api("DELETE", `/products/${id}`);
      router.navigate("/products");
    } catch (error) {
      setMessage(problem(error));
    }
  };
  const missing = product ? missingForSale(product) : [];
  const refusal = product?.refused?.error;
  return html`<${Screen} name="product" title=${creating ? t("New product") : product?.title || t("Product")} back="/products">
    ${!creating && html`<p class="status-line">${product && html`<span class=${`badge ${product.status}`}>${statusName(product.status)}</span>`}
      ${product?.pending && html` <span class="badge waiting">${t("Waiting to be sent")}</span>`}</p>`}
    ${refusal && html`<${Notice} kind="error">${refusal.message}<//>`}
    <form onSubmit=${save} novalidate>
      <${Field} label=${t("Name of the product")} hint=${t("What it is, where it is from, how much: “Mật ong rừng Na Hang 500ml”")} error=${errors.title}>
        <input ...${bind("title")} required minlength="10" maxlength="120" /><//>
      <${Field} label=${t("Price (đồng)")} error=${errors.price_vnd}>
        <input ...${bind("price_vnd")} inputmode="numeric" autocomplete="off" /><//>
      <${Field} label=${t("Category")} error=${errors.category}>
        <select ...${bind("category")} onChange=${bind("category").onInput}>
          <option value="">${t("Choose a category")}</option>
          ${(categories.data || []).map((category) => html`<option value=${category.code}>${category.name}</option>`)}
        </select><//>
      <${Field} label=${t("Description")} hint=${t("How it is made, taste, size, how to keep it.")} error=${errors.description}>
        <textarea ...${bind("description")} rows="4" maxlength="5000" /><//>
      <div class="row-fields">
        <${Field} label=${t("Sold by (unit)")} hint=${t("kg, jar, bag…")} error=${errors.unit}><input ...${bind("unit")} maxlength="30" /><//>
        <${Field} label=${t("In stock")} error=${errors.stock}><input ...${bind("stock")} inputmode="numeric" /><//>
      </div>
      <${Field} label=${t("Weight with packing (grams)")} error=${errors.weight_g}><input ...${bind("weight_g")} inputmode="numeric" /><//>
      ${message && html`<${Notice}>${message}<//>`}
      <button type="submit" class="primary big">${creating ? t("Save and add photos") : t("Save")}</button>
    </form>
    ${product && !creating && html`<${Photos} product=${product} busy=${busy} onAdd=${addPhoto} onMove=${move} onRemove=${removePhoto} />`}
    ${product && !creating && product.status !== "published" && html`<section aria-labelledby="sale-title">
      <h2 id="sale-title">${t("Put it on sale")}</h2>
      ${missing.length ? html`<${Notice} kind="warn">${t("Still missing:")}<ul>${missing.map((m) => html`<li>${m}</li>`)}</ul><//>`
        : html`<button type="button" class="primary big" onClick=${publish} disabled=${product.publishing}>${t("Put it on sale")}</button>`}
    </section>`}
    ${product?.status === "published" && product.share_url && html`<${Share} product=${product} />`}
    ${product && !creating && !product.pending && !seller.helping && html`<button type="button" class="danger" onClick=${removeProduct}><${Icon} name="trash" />${t("Delete this product")}</button>`}
  <//>`;
}
