// The shop's products: what is on sale, what is still a draft, what waits to be sent.
import { html } from "preact";
import { api } from "app/api.js";
import { useData } from "app/data.js";
import { shopOf } from "app/helping.js";
import { money, t } from "app/i18n.js";
import { madeOffline, overlay, statusName } from "app/products.js";
import { Icon, Notice, Screen, problem, useOutbox } from "app/ui.js";

function Card({ product }) {
  const cover = product.photos?.find((photo) => !photo.pending);
  return html`<li><a class="product-card" href=${`/products/${product.id}`}>
    ${cover ? html`<img src=${cover.urls.thumb} alt="" width="96" height="96" loading="lazy" />`
      : html`<span class="no-photo" aria-hidden="true"><${Icon} name="camera" /></span>`}
    <span class="text">
      <span class="title">${product.title || t("(no name yet)")}</span>
      <span>${money(product.price_vnd)}</span>
      <span class=${`badge ${product.status}`}>${statusName(product.status)}</span>
      ${product.pending && html`<span class="badge waiting">${t("Waiting to be sent")}</span>`}
    </span>
  </a></li>`;
}

export default function Products({ person }) {
  const seller = shopOf(person);
  const items = useOutbox();
  const list = useData(seller ? `products:${seller.id}` : "products:none",
    () => (seller ? api("GET", `/sellers/${seller.id}/products?page_size=100`) : { items: [] }));
  if (!seller) {
    return html`<${Screen} name="products" title=${t("Products")}>
      <p>${t("Set up your shop first; then add what you sell.")}</p>
      <a class="button primary big" href="/shop">${t("Set up your shop")}</a><//>`;
  }
  const known = (list.data?.items || []).map((product) => overlay(product, items, product.id));
  const products = [...madeOffline(items, seller.id, new Set(known.map((p) => p.id))), ...known];
  const title = seller.helping ? t("Products of {name}", { name: seller.name }) : t("Products");
  return html`<${Screen} name="products" title=${title}>
    <a class="button primary big" href="/products/new"><${Icon} name="plus" />${t("Add a product")}</a>
    ${list.error && !list.data && html`<${Notice} kind="error">${problem(list.error)}<//>`}
    ${products.length ? html`<ul class="plain products">${products.map((product) => html`<${Card} key=${product.id} product=${product} />`)}</ul>`
      : list.data && html`<p class="empty">${t("No products yet. Add the first thing you sell: honey, tea, rice, a basket…")}</p>`}
  <//>`;
}
