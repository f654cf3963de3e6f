// Lessons kept on the phone per language, so that they open with no network.
import { api } from "app/api.js";
import { fresh } from "app/data.js";
import { currentLanguage } from "app/i18n.js";

export const lessonKey = (slug) => `lesson:${currentLanguage()}:${slug}`;

export function loadLesson(slug) {
  return fresh(lessonKey(slug), () => api("GET", `/lessons/${slug}`));
}
