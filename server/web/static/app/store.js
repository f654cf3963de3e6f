// Everything the app keeps on the phone, in IndexedDB: the people signed in here, their cached data,
// their outbox of changes not yet sent, and the photos waiting to be uploaded.
//
// Schema history. A step is never edited once released; a new version adds a step, and every step
// carries the data of the one before forward (the outbox above all: nothing in it is ever dropped).
//   1  people {id}, cache {key: [person, name]}, outbox {seq, auto} with index "person"; a queued photo
//      was kept inside its outbox item as `blob`.
//   2  photos moved out of the outbox items into "blobs" {seq}, so that listing the outbox never loads
//      megabytes; outbox index "person" kept.
import { openDB } from "idb";

export const NAME = "choque";
export const VERSION = 2;

const STEPS = {
  1(db) {
    db.createObjectStore("people", { keyPath: "id" });
    db.createObjectStore("cache", { keyPath: "key" });
    db.createObjectStore("outbox", { keyPath: "seq", autoIncrement: true }).createIndex("person", "person");
  },
  async 2(db, tx) {
    db.createObjectStore("blobs", { keyPath: "seq" });
    const outbox = tx.objectStore("outbox");
    const blobs = tx.objectStore("blobs");
    for (let cursor = await outbox.openCursor(); cursor; cursor = await cursor.continue()) {
      const { blob, ...item } = cursor.value;
      if (blob) {
        await blobs.put({ seq: item.seq, blob });
        await cursor.update({ ...item, hasBlob: true });
      }
    }
  },
};

let opening;

export function db() {
  opening ??= openDB(NAME, VERSION, {
    async upgrade(database, oldVersion, newVersion, tx) {
      for (let step = oldVersion + 1; step <= newVersion; step += 1) await STEPS[step](database, tx);
    },
    blocking() {
      // A newer release of the app wants to upgrade the database: let it, and reload into it.
      opening.then((database) => database.close());
      location.reload();
    },
  });
  return opening;
}

// --- the people of this phone --------------------------------------------------------------------

export async function people() {
  return (await db()).getAll("people");
}

export async function person(id) {
  return (await db()).get("people", id);
}

export async function savePerson(record) {
  await (await db()).put("people", record);
  return record;
}

// Everything of one person, gone: what signing out means on a shared phone.
export async function forgetPerson(id) {
  const database = await db();
  const tx = database.transaction(["people", "cache", "outbox", "blobs"], "readwrite");
  for (const item of await tx.objectStore("outbox").index("person").getAll(id)) {
    await tx.objectStore("blobs").delete(item.seq);
    await tx.objectStore("outbox").delete(item.seq);
  }
  for (const key of await tx.objectStore("cache").getAllKeys(IDBKeyRange.bound([id], [id, []]))) {
    await tx.objectStore("cache").delete(key);
  }
  await tx.objectStore("people").delete(id);
  await tx.done;
}

// --- cached answers of the API, per person (0: nobody signed in) -----------------------------------

export async function cached(personId, name) {
  return (await db()).get("cache", [personId, name]);
}

export async function keep(personId, name, value) {
  await (await db()).put("cache", { key: [personId, name], value, savedAt: Date.now() });
}

// --- the outbox --------------------------------------------------------------------------------------

export async function addToOutbox(item, blob) {
  const database = await db();
  const tx = database.transaction(["outbox", "blobs"], "readwrite");
  const seq = await tx.objectStore("outbox").add({ ...item, hasBlob: Boolean(blob) });
  if (blob) await tx.objectStore("blobs").put({ seq, blob });
  await tx.done;
  return seq;
}

export async function outboxOf(personId) {
  return (await db()).getAllFromIndex("outbox", "person", personId);
}

export async function updateOutboxItem(item) {
  await (await db()).put("outbox", item);
}

export async function removeFromOutbox(seqs) {
  const database = await db();
  const tx = database.transaction(["outbox", "blobs"], "readwrite");
  for (const seq of seqs) {
    await tx.objectStore("outbox").delete(seq);
    await tx.objectStore("blobs").delete(seq);
  }
  await tx.done;
}

export async function blobOf(seq) {
  return (await (await db()).get("blobs", seq))?.blob;
}
