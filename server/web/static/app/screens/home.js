// Home of a household: "Việc cần làm", the onboarding checklist, with the next step as one big button;
// invitations waiting for an answer come first.
import { html, useEffect, useState } from "preact";
import { api } from "app/api.js";
import { useData } from "app/data.js";
import { N_, t } from "app/i18n.js";
import * as router from "app/router.js";
import * as session from "app/session.js";
import { Icon, Notice, Screen, problem } from "app/ui.js";

const STEPS = {
  phone_verified: [N_("Sign in with your phone"), "/"],
  consent: [N_("Agree to how your data is used"), "/profile#consent"],
  profile: [N_("Write your name"), "/profile"],
  shop: [N_("Set up your shop"), "/shop"],
  payout: [N_("Add the bank account you are paid to"), "/shop#payout"],
  first_product: [N_("Add your first product"), "/products/new"],
  first_listing: [N_("Publish a product with a photo"), "/products"],
  first_lesson: [N_("Finish your first lesson"), "/learn"],
  first_sale_or_channel: [N_("Record a sale, or link your shop on Zalo or Shopee"), "/sales"],
};

// /me, kept in the person's record on this phone: their name, roles and shops.
export function useMe(person) {
  const me = useData("me", () => api("GET", "/me"));
  useEffect(() => {
    if (me.data && !me.saved && JSON.stringify(me.data) !== JSON.stringify(person.user)) session.update(person, { user: me.data });
  }, [me.data]);
  return me;
}

const KINDS = { cohort: N_("Class"), cooperative: N_("Cooperative"), union_trainer: N_("Trainer of a union branch") };

function Invitation({ invitation, onAnswer }) {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState(null);
  const what = invitation.cohort?.name || invitation.cooperative?.name || invitation.union?.name;
  const from = invitation.cohort?.union_name || invitation.invited_by_name || "";
  const answer = async (choice) => {
    setBusy(true);
    try {
      await api("POST", `/me/invitations/${invitation.id}/${choice}`);
      onAnswer();
    } catch (failure) {
      setError(problem(failure));
      setBusy(false);
    }
  };
  const accept = () => answer("accept");
  const decline = () => answer("decline");
  return html`<li class="card invitation">
    <p class="kicker">${t(KINDS[invitation.kind])}</p>
    <p class="title">${what}</p>
    ${from && html`<p>${from}</p>`}
    ${error && html`<${Notice} kind="error">${error}<//>`}
    <div class="actions">
      <button type="button" class="primary" disabled=${busy} onClick=${accept}>${t("Accept")}</button>
      <button type="button" disabled=${busy} onClick=${decline}>${t("Decline")}</button>
    </div>
  </li>`;
}

function Invitations() {
  const invitations = useData("invitations", () => api("GET", "/me/invitations"));
  if (!invitations.data?.length) return null;
  return html`<section aria-labelledby="invitations">
    <h2 id="invitations">${t("Invitations for you")}</h2>
    <ul class="plain">${invitations.data.map((invitation) => html`
      <${Invitation} key=${invitation.id} invitation=${invitation} onAnswer=${invitations.reload} />`)}</ul>
  </section>`;
}

function Checklist({ seller }) {
  const onboarding = useData(`onboarding:${seller.id}`, () => api("GET", `/sellers/${seller.id}/onboarding`));
  if (!onboarding.data) return onboarding.error ? html`<${Notice} kind="error">${problem(onboarding.error)}<//>` : null;
  const { steps, percent } = onboarding.data;
  const next = steps.find((step) => !step.done);
  const done = t("Done: {percent}%", { percent });
  return html`<section aria-labelledby="todo">
    <h2 id="todo">${seller.name}</h2>
    <div class="progress">
      <progress max="100" value=${percent} aria-label=${t("Setting up your shop")}>${percent}%</progress>
      <span>${done}</span>
    </div>
    ${next ? html`<a class="button primary big" href=${STEPS[next.key][1]}>${t(STEPS[next.key][0])}</a>`
      : html`<${Notice} kind="ok">${t("Everything is done. Your shop is selling online!")}<//>`}
    <ol class="steps">${steps.map((step) => html`<li class=${step.done ? "done" : ""}>
      <a href=${STEPS[step.key][1]}><span class="mark" aria-hidden="true">${step.done ? html`<${Icon} name="check" />` : ""}</span>
        <span>${t(STEPS[step.key][0])}</span>
        <span class="sr-only">${step.done ? t("done") : t("not done yet")}</span></a></li>`)}</ol>
  </section>`;
}

export default function Home({ person }) {
  const me = useMe(person);
  const user = me.data || person.user;
  const roles = user?.roles || [];
  useEffect(() => {
    // Trainers and union admins start from their cohorts, managers from their reports (SPEC §7).
    if (roles.includes("trainer") || roles.includes("union_admin")) router.navigate("/cohorts", { replace: true });
    else if (roles.includes("manager") || roles.includes("admin")) router.navigate("/reports", { replace: true });
  }, [roles.join()]);
  const seller = user?.sellers?.[0];
  const greeting = user?.full_name ? t("Hello, {name}", { name: user.full_name }) : t("Hello");
  return html`<${Screen} name="home" title=${t("To do")}>
    <p class="lead">${greeting}</p>
    <${Invitations} />
    ${seller ? html`<${Checklist} seller=${seller} />` : html`<section class="card">
        <h2>${t("Start with your shop")}</h2>
        <p>${t("Give your shop a name and say where you are. It takes two minutes.")}</p>
        <a class="button primary big" href="/shop"><${Icon} name="shop" />${t("Set up your shop")}</a>
      </section>`}
  <//>`;
}
