// The shop: who sells (household or cooperative), its name and commune, where buyers pay (VietQR, shown
// large and kept for offline), and links to the shop on Zalo, Facebook or the marketplaces.
import { html, useEffect, useRef, useState } from "preact";
import { api } from "app/api.js";
import { keep, saved, useData } from "app/data.js";
import { CHANNELS, channelName } from "app/channels.js";
import { N_, t } from "app/i18n.js";
import { useMe } from "app/screens/home.js";
import * as session from "app/session.js";
import { Field, Icon, Notice, OfflineNotice, Screen, fieldErrors, localPhone, problem, useOnline } from "app/ui.js";



function useForm(initial) {
  const [values, setValues] = useState(initial);
  const bind = (name) => ({ name, value: values[name] ?? "", onInput: (e) => setValues({ ...values, [name]: e.target.value }) });
  return [values, setValues, bind];
}

// The commune is found by typing its name without accents ("na hang" finds "Nà Hang").
function CommunePicker({ value, label, onChange, error }) {
  const [query, setQuery] = useState("");
  const [found, setFound] = useState(value ? [value] : []);
  const timer = useRef(null);
  useEffect(() => {
    if (query.trim().length < 2) return undefined;
    clearTimeout(timer.current);
    timer.current = setTimeout(async () => {
      try {
        const page = await api("GET", `/communes?q=${encodeURIComponent(query)}&page_size=20`, { person: null });
        setFound(page.items);
        if (page.items[0]) onChange(page.items[0]);
      } catch {
        setFound([]);
      }
    }, 250);
    return () => clearTimeout(timer.current);
  }, [query]);
  const choose = (event) => onChange(found.find((commune) => commune.code === event.target.value));
  return html`<fieldset class="field">
    <legend class="label">${label}</legend>
    <label class="field inner"><span class="label">${t("Type the name of your commune or ward")}</span>
      <input type="search" name="commune_search" autocomplete="off" value=${query} onInput=${(e) => setQuery(e.target.value)}
        placeholder=${t("e.g. na hang")} />
    </label>
    <label class="field inner"><span class="label">${t("Your commune or ward")}</span>
      <select name="commune_code" value=${value?.code || ""} onChange=${choose} required aria-invalid=${Boolean(error)}>
        ${!found.length && html`<option value="">${t("Type above to find it")}</option>`}
        ${found.map((commune) => html`<option value=${commune.code}>${commune.name}${commune.province_name ? ` · ${commune.province_name}` : ""}</option>`)}
      </select>
    </label>
    ${error && html`<span class="error" role="alert">${error}</span>`}
  </fieldset>`;
}

function ShopForm({ seller, onSaved }) {
  const online = useOnline();
  const [values, , bind] = useForm({
    kind: seller?.kind || "household", name: seller?.name || "", address: seller?.address || "",
    description: seller?.description || "",
  });
  const [commune, setCommune] = useState(seller ? { code: seller.commune_code, name: seller.commune_name } : null);
  const [errors, setErrors] = useState({});
  const [message, setMessage] = useState(null);
  const [busy, setBusy] = useState(false);
  const submit = async (event) => {
    event.preventDefault();
    setBusy(true);
    setErrors({});
    setMessage(null);
    const body = { name: values.name, commune_code: commune?.code, address: values.address || null,
      description: values.description || null };
    try {
      const answer = seller ? await api("PATCH", `/sellers/${seller.id}`, { body })
        : await api("POST", "/sellers", { body: { ...body, kind: values.kind } });
      setMessage(t("Saved."));
      onSaved(answer);
    } catch (error) {
      setErrors(fieldErrors(error));
      setMessage(problem(error));
    } finally {
      setBusy(false);
    }
  };
  return html`<form onSubmit=${submit} novalidate aria-labelledby="shop-title">
    <h2 id="shop-title">${seller ? t("Your shop") : t("Set up your shop")}</h2>
    ${!seller && html`<fieldset class="field"><legend class="label">${t("Who sells?")}</legend>
      <label class="choice"><input type="radio" name="kind" value="household" checked=${values.kind === "household"}
        onChange=${bind("kind").onInput} />${t("A household")}</label>
      <label class="choice"><input type="radio" name="kind" value="cooperative" checked=${values.kind === "cooperative"}
        onChange=${bind("kind").onInput} />${t("A cooperative")}</label></fieldset>`}
    <${Field} label=${t("Name of the shop")} hint=${t("For example: Mật ong rừng nhà Mai")} error=${errors.name}>
      <input ...${bind("name")} required maxlength="120" autocomplete="organization" /><//>
    <${CommunePicker} value=${commune} label=${t("Where you are")} onChange=${setCommune} error=${errors.commune_code} />
    <${Field} label=${t("Address (village, hamlet)")} error=${errors.address}>
      <input ...${bind("address")} maxlength="255" autocomplete="street-address" /><//>
    <${Field} label=${t("About your shop")} hint=${t("What you grow or make, and since when.")} error=${errors.description}>
      <textarea ...${bind("description")} rows="3" maxlength="2000" /><//>
    ${message && html`<${Notice} kind=${Object.keys(errors).length ? "error" : "ok"}>${message}<//>`}
    ${!online && html`<${OfflineNotice} />`}
    <button type="submit" class="primary" disabled=${busy || !online}>${busy ? t("Saving…") : t("Save the shop")}</button>
  </form>`;
}

function VietQr({ seller }) {
  const [qr, setQr] = useState(null);
  useEffect(() => {
    const name = `vietqr:${seller.id}`;
    saved(name).then((copy) => copy && setQr(copy));
    api("GET", `/sellers/${seller.id}/vietqr`).then((answer) => {
      setQr(answer);
      keep(name, answer);
    }).catch(() => null);
  }, [seller.id]);
  if (!qr) return null;
  return html`<figure class="vietqr">
    <img src=${`data:image/png;base64,${qr.png_base64}`} width="280" height="280" alt=${t("VietQR code to pay this shop")} />
    <figcaption><strong>${qr.bank_name}</strong><br />${qr.account_number}<br />${qr.account_name}</figcaption>
  </figure>`;
}

function Payout({ seller }) {
  const online = useOnline();
  const banks = useData("banks", () => api("GET", "/banks", { person: null }));
  // Only a shop whose checklist says it has an account asks for it (no 404 for the others).
  const payout = useData(`payout:${seller.id}`, async () => {
    const onboarding = await api("GET", `/sellers/${seller.id}/onboarding`);
    return onboarding.steps.find((step) => step.key === "payout")?.done
      ? api("GET", `/sellers/${seller.id}/payout`) : null;
  });
  const [values, setValues, bind] = useForm({ bank_bin: "", account_number: "", account_name: "" });
  const [errors, setErrors] = useState({});
  const [message, setMessage] = useState(null);
  const [version, setVersion] = useState(0);
  useEffect(() => { if (payout.data) setValues({ ...payout.data }); }, [payout.data]);
  const submit = async (event) => {
    event.preventDefault();
    setErrors({});
    try {
      await api("PUT", `/sellers/${seller.id}/payout`, { body: {
        bank_bin: values.bank_bin, account_number: values.account_number, account_name: values.account_name } });
      setMessage(t("Saved. Buyers can now pay you with the VietQR code."));
      setVersion(version + 1);
      payout.reload();
    } catch (error) {
      setErrors(fieldErrors(error));
      setMessage(problem(error));
    }
  };
  return html`<section id="payout" aria-labelledby="payout-title">
    <h2 id="payout-title">${t("Getting paid")}</h2>
    ${payout.data && html`<${VietQr} key=${version} seller=${seller} />`}
    <form onSubmit=${submit} novalidate>
      <${Field} label=${t("Your bank")} error=${errors.bank_bin}>
        <select ...${bind("bank_bin")} onChange=${bind("bank_bin").onInput} required>
          <option value="">${t("Choose your bank")}</option>
          ${(banks.data || []).map((bank) => html`<option value=${bank.bin}>${bank.name}</option>`)}
        </select><//>
      <${Field} label=${t("Account number")} error=${errors.account_number}>
        <input ...${bind("account_number")} inputmode="numeric" autocomplete="off" required /><//>
      <${Field} label=${t("Name on the account")} hint=${t("As the bank writes it, e.g. LO THI MAI")} error=${errors.account_name}>
        <input ...${bind("account_name")} autocomplete="name" required /><//>
      ${message && html`<${Notice} kind=${Object.keys(errors).length ? "error" : "ok"}>${message}<//>`}
      <button type="submit" class="primary" disabled=${!online}>${t("Save the bank account")}</button>
    </form>
  </section>`;
}

function Channels({ seller }) {
  const online = useOnline();
  const links = useData(`channels:${seller.id}`, () => api("GET", `/sellers/${seller.id}/channels?page_size=100`));
  const [values, setValues, bind] = useForm({ channel: "zalo", url: "" });
  const [errors, setErrors] = useState({});
  const [message, setMessage] = useState(null);
  const add = async (event) => {
    event.preventDefault();
    setErrors({});
    setMessage(null);
    try {
      await api("POST", `/sellers/${seller.id}/channels`, { body: { channel: values.channel, url: values.url } });
      setValues({ ...values, url: "" });
      links.reload();
    } catch (error) {
      setErrors(fieldErrors(error));
      setMessage(problem(error));
    }
  };
  const remove = async (link) => {
    try {
      await api("DELETE", `/sellers/${seller.id}/channels/${link.id}`);
      links.reload();
    } catch (error) {
      setMessage(problem(error));
    }
  };
  return html`<section aria-labelledby="channels-title">
    <h2 id="channels-title">${t("Your shop elsewhere")}</h2>
    <p>${t("Links to where you already sell: Zalo, Facebook, Shopee…")}</p>
    <ul class="plain">${(links.data?.items || []).map((link) => html`<li class="row">
      <span><strong>${channelName(link.channel)}</strong><br /><a href=${link.url} rel="noopener noreferrer" target="_blank">${link.url}</a></span>
      <button type="button" class="icon-button" aria-label=${t("Remove this link")} onClick=${() => remove(link)}><${Icon} name="trash" /></button>
    </li>`)}</ul>
    <form onSubmit=${add} novalidate>
      <${Field} label=${t("Where")} error=${errors.channel}>
        <select ...${bind("channel")} onChange=${bind("channel").onInput}>
          ${CHANNELS.map((channel) => html`<option value=${channel}>${channelName(channel)}</option>`)}
        </select><//>
      <${Field} label=${t("Link to your shop")} hint=${t("Copy it from the app, starting with https://")} error=${errors.url}>
        <input ...${bind("url")} type="url" inputmode="url" autocomplete="url" required /><//>
      ${message && html`<${Notice} kind="error">${message}<//>`}
      <button type="submit" disabled=${!online || !values.url}><${Icon} name="plus" />${t("Add the link")}</button>
    </form>
  </section>`;
}

// What the shop's public product pages (/p/{id}) show buyers. Each is off until the owner turns it on:
// the phone is private, and the page is public.
const PAGE_OPTIONS = [
  { name: "show_phone", label: N_("Call and Zalo buttons with my phone number") },
  { name: "show_channels", label: N_("Buttons to my shops elsewhere (Shopee, TikTok Shop…)"),
    hint: N_("The links you added above.") },
  { name: "show_vietqr", label: N_("My VietQR code, for buyers to pay me"),
    hint: N_("Shows once your bank account above is saved.") },
];

function ProductPageOptions({ seller, person }) {
  const online = useOnline();
  const owner = seller.owner_id === person.id;
  const [options, setOptions] = useState(() => Object.fromEntries(PAGE_OPTIONS.map(({ name }) => [name, seller[name]])));
  const [message, setMessage] = useState(null);
  const [failed, setFailed] = useState(false);
  const change = async (name, shown) => {
    const before = options;
    setOptions({ ...options, [name]: shown });
    setMessage(null);
    try {
      const answer = await api("PATCH", `/sellers/${seller.id}`, { body: { [name]: shown } });
      setOptions(Object.fromEntries(PAGE_OPTIONS.map((option) => [option.name, answer[option.name]])));
      keep(`seller:${seller.id}`, answer);
      setFailed(false);
      setMessage(t("Saved."));
    } catch (error) {
      setOptions(before);
      setFailed(true);
      setMessage(problem(error));
    }
  };
  // The page shows the owner's phone: a member is not told it would show theirs.
  const hint = (option) => (option.name === "show_phone"
    ? owner && t("Buyers will see {phone}.", { phone: localPhone(person.phone) }) : option.hint && t(option.hint));
  return html`<section id="product-page" aria-labelledby="product-page-title">
    <h2 id="product-page-title">${t("On your product pages")}</h2>
    <p>${t("Buyers open a product's page from the link you share. Choose what they see there to buy from you; nothing shows until you turn it on.")}</p>
    <fieldset class="field"><legend class="sr-only">${t("On your product pages")}</legend>
      ${PAGE_OPTIONS.map((option) => html`<label class="choice">
        <input type="checkbox" role="switch" name=${option.name} checked=${options[option.name]}
          disabled=${!online || !owner} onChange=${(e) => change(option.name, e.target.checked)} />
        <span><strong>${t(option.label)}</strong><br /><span class="hint">${hint(option)}</span></span></label>`)}
    </fieldset>
    ${!owner && html`<p class="hint">${t("Only the shop's owner changes this.")}</p>`}
    ${message && html`<${Notice} kind=${failed ? "error" : "ok"}>${message}<//>`}
  </section>`;
}

export default function Shop({ person }) {
  const me = useMe(person);
  const first = (me.data || person.user)?.sellers?.[0];
  const seller = useData(first ? `seller:${first.id}` : "seller:none", () => (first ? api("GET", `/sellers/${first.id}`) : null));
  const afterSave = async (answer) => {
    const user = await api("GET", "/me").catch(() => null);
    if (user) await session.update(person, { user });
    me.reload();
    if (first) seller.reload();
    return answer;
  };
  return html`<${Screen} name="shop" title=${t("Shop")}>
    ${first && !seller.data ? html`<p>${t("Loading…")}</p>` : html`<${ShopForm} key=${seller.data?.id || "new"} seller=${seller.data} onSaved=${afterSave} />`}
    ${seller.data && html`<${Payout} seller=${seller.data} />`}
    ${seller.data && html`<${Channels} seller=${seller.data} />`}
    ${seller.data && html`<${ProductPageOptions} key=${seller.data.id} seller=${seller.data} person=${person} />`}
  <//>`;
}
