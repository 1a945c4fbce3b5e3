/** Marketplace image references for the edge VM. Pure. */
import type { VmImage } from "../config/types";
import type { UbuntuVersion } from "./hostProvisioning";

export interface ImageReference {
  publisher: string;
  offer: string;
  sku: string;
  version: string;
}

/** Canonical's Gen2 images; Gen2 is what Trusted Launch (secure boot, vTPM) requires. */
const IMAGES: Record<VmImage, Omit<ImageReference, "version">> = {
  "ubuntu-22.04": { publisher: "Canonical", offer: "0001-com-ubuntu-server-jammy", sku: "22_04-lts-gen2" },
  "ubuntu-24.04": { publisher: "Canonical", offer: "ubuntu-24_04-lts", sku: "server" },
};

export function imageReference(image: VmImage, version: string): ImageReference {
  return { ...IMAGES[image], version };
}

/** The Ubuntu release an image runs, which selects the Microsoft package repository. */
export function ubuntuVersion(image: VmImage): UbuntuVersion {
  return image === "ubuntu-22.04" ? "22.04" : "24.04";
}
