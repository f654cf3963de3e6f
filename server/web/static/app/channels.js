// Where sellers sell: marketplaces by their own names, the generic places in the person's language.
import { N_, t } from "app/i18n.js";

const BRANDS = {
  zalo: "Zalo", facebook: "Facebook", shopee: "Shopee", lazada: "Lazada", tiktok_shop: "TikTok Shop", tiki: "Tiki",
  postmart: "Postmart", voso: "Voso",
};
const GENERIC = {
  provincial_floor: N_("Provincial e-commerce floor"), other: N_("Other"), in_person: N_("At the market or at home"),
};

// The channels a shop can link to (SPEC §6); sales may also be "in_person".
export const CHANNELS = ["zalo", "facebook", "shopee", "lazada", "tiktok_shop", "tiki", "postmart", "voso",
  "provincial_floor", "other"];

export const channelName = (channel) => BRANDS[channel] || (GENERIC[channel] ? t(GENERIC[channel]) : channel);
