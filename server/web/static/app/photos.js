// Photos are turned upright and made small on the phone before they travel: long side at most 1600 px,
// JPEG at quality 0.8, so a 12-megapixel camera photo goes up as a few hundred kilobytes. The photo is
// shrunk by createImageBitmap, so no canvas is ever larger than the photo that is sent.
export const LONG_SIDE = 1600;
export const QUALITY = 0.8;
const MAX_CANVAS = 4096;

function fit(width, height, longest) {
  const scale = Math.min(1, longest / Math.max(width, height));
  return [Math.max(1, Math.round(width * scale)), Math.max(1, Math.round(height * scale))];
}

export async function prepare(file) {
  const upright = await createImageBitmap(file, { imageOrientation: "from-image" });
  const [width, height] = fit(upright.width, upright.height, Math.min(LONG_SIDE, MAX_CANVAS));
  const small = await createImageBitmap(upright, { resizeWidth: width, resizeHeight: height, resizeQuality: "high" });
  upright.close();
  const canvas = typeof OffscreenCanvas === "function" ? new OffscreenCanvas(width, height)
    : Object.assign(document.createElement("canvas"), { width, height });
  canvas.getContext("2d").drawImage(small, 0, 0);
  small.close();
  const blob = canvas.convertToBlob ? await canvas.convertToBlob({ type: "image/jpeg", quality: QUALITY })
    : await new Promise((resolve) => canvas.toBlob(resolve, "image/jpeg", QUALITY));
  return { blob, width, height };
}
