// Sign-in with the phone number and the 6-digit code the SMS brings; nothing else to remember.
import { html, useEffect, useState } from "preact";
import { ApiError, api } from "app/api.js";
import { currentLanguage, loadLanguage, t } from "app/i18n.js";
import * as router from "app/router.js";
import * as session from "app/session.js";
import { Field, Notice, Screen, fieldErrors, nameOf, problem } from "app/ui.js";

function useCountdown(until) {
  const [now, setNow] = useState(Date.now());
  useEffect(() => {
    if (!until) return undefined;
    const timer = setInterval(() => setNow(Date.now()), 1000);
    return () => clearInterval(timer);
  }, [until]);
  return until ? Math.max(0, Math.ceil((until - now) / 1000)) : 0;
}

function Languages({ onChange }) {
  const choose = async (language) => {
    await loadLanguage(language, { remember: true });
    onChange(language);
  };
  return html`<div class="languages" role="group" aria-label="Ngôn ngữ / Language">
    <button type="button" class="chip" lang="vi" aria-pressed=${currentLanguage() === "vi"} onClick=${() => choose("vi")}>Tiếng Việt</button>
    <button type="button" class="chip" lang="en" aria-pressed=${currentLanguage() === "en"} onClick=${() => choose("en")}>English</button>
  </div>`;
}

function OtherPeople() {
  const [people, setPeople] = useState([]);
  useEffect(() => { session.everyone().then((all) => setPeople(all.filter((p) => !p.needsSignIn))); }, []);
  if (!people.length) return null;
  return html`<section class="card">
    <h2>${t("Also on this phone")}</h2>
    ${people.map((person) => html`<button type="button" class="row-button" onClick=${() => session.switchTo(person.id)}>
      ${nameOf(person)}</button>`)}
  </section>`;
}

export default function SignIn({ person }) {
  const [, setLanguage] = useState(currentLanguage());
  const [phone, setPhone] = useState(person?.needsSignIn ? person.phone : "");
  const [sent, setSent] = useState(null);
  const [code, setCode] = useState("");
  const [errors, setErrors] = useState({});
  const [message, setMessage] = useState(null);
  const [busy, setBusy] = useState(false);
  const wait = useCountdown(sent?.resendAt);

  const askForCode = async (event) => {
    event?.preventDefault();
    setBusy(true);
    setErrors({});
    setMessage(null);
    try {
      const answer = await api("POST", "/auth/otp", { body: { phone }, person: null });
      setSent({ at: Date.now(), resendAt: Date.now() + answer.resend_after * 1000, expiresIn: answer.expires_in });
    } catch (error) {
      setErrors(fieldErrors(error));
      if (!(error instanceof ApiError && error.status === 422)) setMessage(problem(error));
    } finally {
      setBusy(false);
    }
  };

  const signIn = async (event) => {
    event.preventDefault();
    setBusy(true);
    setErrors({});
    setMessage(null);
    try {
      const answer = await api("POST", "/auth/verify", { body: { phone, code }, person: null });
      const signed = await session.signedIn(answer);
      if (!answer.user.locale) {
        // Remember the language chosen on the sign-in screen in the account, for SMS and other phones.
        api("PATCH", "/me", { body: { locale: currentLanguage() }, person: signed }).catch(() => null);
      } else if (answer.user.locale !== currentLanguage()) {
        await loadLanguage(answer.user.locale);
      }
      navigator.storage?.persist?.();
      router.navigate(router.current().path, { replace: true });
    } catch (error) {
      setErrors(fieldErrors(error));
      if (!(error instanceof ApiError && error.status === 422)) setMessage(problem(error));
    } finally {
      setBusy(false);
    }
  };

  const changeNumber = () => {
    setSent(null);
    setCode("");
  };
  const sentTo = t("We sent a code to {phone}. It works for 5 minutes.", { phone });
  const resend = wait > 0 ? t("Send the code again in {seconds} s", { seconds: wait }) : t("Send the code again");
  return html`<${Screen} name="signin" title=${t("Sign in")}>
    <p class="lead">${t("Sell your farm's products online. Sign in with your phone number: we send you a code by SMS.")}</p>
    <${Languages} onChange=${setLanguage} />
    ${message && html`<${Notice} kind="error">${message}<//>`}
    ${!sent ? html`<form onSubmit=${askForCode} novalidate>
        <${Field} label=${t("Your phone number")} hint=${t("For example 0912 345 678")} error=${errors.phone}>
          <input type="tel" name="phone" autocomplete="tel" inputmode="tel" required value=${phone}
            onInput=${(e) => setPhone(e.target.value)} aria-invalid=${Boolean(errors.phone)} />
        <//>
        <button type="submit" class="primary" disabled=${busy || !phone.trim()}>${busy ? t("Sending…") : t("Send me a code")}</button>
      </form>`
    : html`<form onSubmit=${signIn} novalidate>
        <p>${sentTo}</p>
        <${Field} label=${t("The 6-digit code")} error=${errors.code || errors.phone}>
          <input name="code" autocomplete="one-time-code" inputmode="numeric" required value=${code}
            onInput=${(e) => setCode(e.target.value)} aria-invalid=${Boolean(errors.code)} />
        <//>
        <button type="submit" class="primary" disabled=${busy || !code.trim()}>${busy ? t("Checking…") : t("Sign in")}</button>
        <div class="actions">
          <button type="button" onClick=${() => askForCode()} disabled=${busy || wait > 0}>
            ${resend}</button>
          <button type="button" onClick=${changeNumber}>${t("Change the number")}</button>
        </div>
      </form>`}
    <${OtherPeople} />
  <//>`;
}
