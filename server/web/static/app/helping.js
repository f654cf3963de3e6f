// A trainer helping a household of their cohort with its products, on the trainer's own phone: the
// products screens then work on that household's shop. Only what the API lets a trainer do is
// offered there (products and photos); the money, the sales and the shop itself stay with the household.
import * as session from "app/session.js";

// The shop the products screens work on: the one being helped, else the person's own first shop.
export function shopOf(person) {
  if (person?.helping) return { id: person.helping.seller_id, name: person.helping.name, helping: true };
  const own = person?.user?.sellers?.[0];
  return own ? { id: own.id, name: own.name, helping: false } : null;
}

export function startHelping(person, member, cohortId) {
  return session.update(person, { helping: { seller_id: member.seller_id, name: member.full_name, cohort_id: cohortId } });
}

export function stopHelping(person) {
  return session.update(person, { helping: null });
}
