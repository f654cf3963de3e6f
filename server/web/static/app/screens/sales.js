// Recording a sale in three taps: what was sold, where, save. Offline too: the sale waits in the outbox.
import { html, useEffect, useState } from "preact";
import { api } from "app/api.js";
import { useData } from "app/data.js";
import { channelName } from "app/channels.js";
import { amount as toAmount, day, money, t, vietnamToday } from "app/i18n.js";
import * as outbox from "app/outbox.js";
import { Field, Notice, Screen, problem, useOnline, useOutbox } from "app/ui.js";

const WHERE = ["in_person", "zalo", "facebook", "shopee", "tiktok_shop", "other"];
const QUICK_AMOUNTS = [50000, 100000, 200000, 500000];

const where = channelName;

function SaleForm({ seller, products }) {
  const online = useOnline();
  const [product, setProduct] = useState(null);
  const [amount, setAmount] = useState("");
  const [channel, setChannel] = useState("");
  const [occurredOn, setOccurredOn] = useState(vietnamToday());
  const [message, setMessage] = useState(null);
  const choose = (chosen) => {
    setProduct(chosen);
    if (chosen?.price_vnd) setAmount(String(chosen.price_vnd));
  };
  const amountVnd = toAmount(amount);
  const save = async (event) => {
    event.preventDefault();
    const sale = { occurred_on: occurredOn, channel, amount_vnd: amountVnd, quantity: 1, product_id: product?.id || null };
    await outbox.add("sale", { seller: seller.id, sale }, { label: `${money(amountVnd)} · ${where(channel)}` });
    setMessage(online ? t("Sale recorded.") : t("Sale saved on this phone; it will be sent when you have signal."));
    setProduct(null);
    setAmount("");
    setChannel("");
  };
  const ready = amountVnd > 0 && channel && occurredOn;
  return html`<form onSubmit=${save} class="sale-form" novalidate>
    ${products.length > 0 && html`<fieldset class="field"><legend class="label">${t("1. What did you sell?")}</legend>
      <div class="tiles">${products.map((item) => html`<button type="button" class="tile" aria-pressed=${product?.id === item.id}
        onClick=${() => choose(item)}><span>${item.title}</span><span class="meta">${money(item.price_vnd)}</span></button>`)}</div>
    </fieldset>`}
    <${Field} label=${products.length ? t("Amount received (đồng)") : t("1. How much did you receive? (đồng)")}>
      <input name="amount_vnd" inputmode="numeric" autocomplete="off" value=${amount} onInput=${(e) => setAmount(e.target.value)} required />
    <//>
    <div class="chips">${QUICK_AMOUNTS.map((value) => html`<button type="button" class="chip" onClick=${() => setAmount(String(value))}>${money(value)}</button>`)}</div>
    <fieldset class="field"><legend class="label">${t("2. Where did you sell it?")}</legend>
      <div class="tiles">${WHERE.map((value) => html`<label class="tile">
        <input type="radio" name="channel" value=${value} checked=${channel === value} onChange=${() => setChannel(value)} />
        <span>${where(value)}</span></label>`)}</div>
    </fieldset>
    <${Field} label=${t("Day of the sale")}>
      <input type="date" name="occurred_on" value=${occurredOn} max=${vietnamToday()} onInput=${(e) => setOccurredOn(e.target.value)} />
    <//>
    ${message && html`<${Notice} kind="ok">${message}<//>`}
    <button type="submit" class="primary big" disabled=${!ready}>${t("3. Save the sale")}</button>
  </form>`;
}

function SaleRow({ sale, pending, refused }) {
  return html`<li class="row">
    <span><strong>${money(sale.amount_vnd)}</strong> · ${where(sale.channel)}<br /><span class="meta">${day(sale.occurred_on)}</span></span>
    ${pending && html`<span class="badge waiting">${refused ? t("Refused") : t("Waiting to be sent")}</span>`}
  </li>`;
}

export default function Sales({ person }) {
  const seller = person.user?.sellers?.[0];
  const items = useOutbox();
  const products = useData(seller ? `products:${seller.id}` : "products:none",
    () => (seller ? api("GET", `/sellers/${seller.id}/products?page_size=100`) : { items: [] }));
  const sales = useData(seller ? `sales:${seller.id}` : "sales:none",
    () => (seller ? api("GET", `/sellers/${seller.id}/sales?page_size=50`) : { items: [] }));
  const waiting = items.filter((item) => item.kind === "sale" && item.payload.seller === seller?.id);
  // Sales the outbox has just delivered are in the server's list now.
  useEffect(() => { if (seller) sales.reload(); }, [waiting.length]);
  if (!seller) {
    return html`<${Screen} name="sales" title=${t("Sales")}>
      <a class="button primary big" href="/shop">${t("Set up your shop")}</a><//>`;
  }
  const sent = new Set(waiting.map((item) => item.id));
  const listed = (products.data?.items || []).filter((p) => p.status === "published").slice(0, 8);
  return html`<${Screen} name="sales" title=${t("Sales")}>
    <${SaleForm} seller=${seller} products=${listed} />
    <section aria-labelledby="sales-title">
      <h2 id="sales-title">${t("Your sales")}</h2>
      ${sales.error && !sales.data && html`<${Notice} kind="error">${problem(sales.error)}<//>`}
      <ul class="plain">
        ${waiting.map((item) => html`<${SaleRow} key=${item.id} sale=${item.payload.sale} pending=${true} refused=${item.state === "refused"} />`)}
        ${(sales.data?.items || []).filter((sale) => !sent.has(sale.id)).map((sale) => html`<${SaleRow} key=${sale.id} sale=${sale} />`)}
      </ul>
      ${!waiting.length && sales.data && !sales.data.items.length && html`<p class="empty">${t("No sales recorded yet.")}</p>`}
    </section>
  <//>`;
}
