// Which Glance image Nova's workloads boot: RALLY_NOVA_IMAGE is an image name or, between slashes, a regular
// expression, as rally-jobs writes it (rally-openstack's own jobs use `^(cirros.*-disk|TestVM)$`,
// rally-jobs/nova.yaml). The runner resolves it against Glance before the task, natively, and hands Rally one exact
// name: a pattern that matches nothing or several images is the monitor's clear error here, where Rally would pick the
// last match by name in silence (rally_openstack/task/types.py, OpenStackResourceType._find_resource).
import { listAll, OpenStackError, type OpenStackSession } from '../openstack/session.js';

/** Unset, RALLY_NOVA_IMAGE is this: a CirrOS disk image as rally-jobs names them, or Fuel's TestVM. */
export const DEFAULT_IMAGE_SETTING = '/^(cirros.*-disk|TestVM)$/';

export interface ImageSetting {
  /** As written: `cirros` or `/^cirros.*-disk$/`. */
  text: string;
  /** Set for a `/.../` setting. */
  pattern: RegExp | null;
  /** RALLY_NOVA_IMAGE was not set: a cloud without such an image skips the boot workloads instead of erring. */
  isDefault: boolean;
}

/** What the boot workloads get this cycle: an image name, or why they are left out, or why the task cannot run. */
export type ImageChoice = { name: string } | { skip: string } | { error: string };

/** The characters a resolved name may not hold: the scenario files put it in a double-quoted YAML string. */
const UNSAFE_NAME = /["{}\\\u0000-\u001f]/;

const HOW_TO_SET = 'set RALLY_NOVA_IMAGE to an image name or a /regular expression/';

/** Parses RALLY_NOVA_IMAGE; throws with the reason for a pattern that is not a valid regular expression. */
export function parseImageSetting(value: string | undefined): ImageSetting {
  const isDefault = value === undefined || value.trim() === '';
  const text = isDefault ? DEFAULT_IMAGE_SETTING : value;
  const slashed = /^\/(.+)\/$/s.exec(text);
  if (!slashed) return { text, pattern: null, isDefault };
  try {
    return { text, pattern: new RegExp(slashed[1]!, 'u'), isDefault };
  } catch (error) {
    throw new Error(`not a valid regular expression: ${(error as Error).message}`);
  }
}

function listing(names: readonly string[]): string {
  const shown = names.slice(0, 5).map((n) => `'${n}'`);
  return names.length > 5 ? `${shown.join(', ')} and ${names.length - 5} more` : shown.join(', ');
}

/** Picks the image from the names of Glance's active images. */
export function chooseImage(setting: ImageSetting, activeNames: readonly string[]): ImageChoice {
  const { pattern, text } = setting;
  // Rally's search semantics (re.search): a pattern matches anywhere unless it anchors itself.
  // Nameless images (Glance allows them) are never chosen: Rally finds images by name.
  const matching = activeNames.filter((name) => name !== '' && (pattern ? pattern.test(name) : name === text));
  const distinct = [...new Set(matching)].sort();
  if (matching.length === 0) {
    if (setting.isDefault) {
      return { skip: `no image to boot: no active image in Glance matches the default ${text}; ${HOW_TO_SET}` };
    }
    return {
      error: pattern
        ? `RALLY_NOVA_IMAGE ${text} matches no active image in Glance`
        : `image '${text}' not found in Glance (RALLY_NOVA_IMAGE names no active image)`,
    };
  }
  if (matching.length > 1) {
    const which = pattern
      ? `${setting.isDefault ? 'the default ' : ''}RALLY_NOVA_IMAGE ${text} matches`
      : `'${text}' names`;
    const what =
      distinct.length === matching.length ? listing(distinct) : `${matching.length} images (${listing(distinct)})`;
    return { error: `${which} several active images in Glance: ${what}; set RALLY_NOVA_IMAGE to one of them` };
  }
  const name = matching[0]!;
  if (UNSAFE_NAME.test(name)) {
    return {
      error: `RALLY_NOVA_IMAGE ${text} matches ${JSON.stringify(name)}, a name with quotes, braces, backslashes or control characters that cannot go into a task file; rename the image or match another`,
    };
  }
  return { name };
}

/**
 * Resolves the setting against Glance (active images the monitoring user sees, every page). When Glance cannot be
 * asked, a plain name goes to Rally as it is (Rally's validation reports it), a pattern cannot be resolved.
 */
export async function resolveImage(
  setting: ImageSetting,
  session: Pick<OpenStackSession, 'endpoint' | 'request'>
): Promise<ImageChoice> {
  try {
    const glance = await session.endpoint('glance');
    if (!glance) return { skip: 'no image to boot: glance is not in the catalog' };
    const images = await listAll(session as OpenStackSession, `${glance}/v2/images?status=active`, {
      style: 'links',
      key: 'images',
    });
    return chooseImage(
      setting,
      images.map((image) => (typeof image.name === 'string' ? image.name : ''))
    );
  } catch (error) {
    // Glance (or Keystone, for the token) did not answer: the cloud's problem, which the task will show.
    if (!setting.pattern) return { name: setting.text };
    const why = error instanceof OpenStackError ? error.message : String((error as Error).message ?? error);
    return { error: `RALLY_NOVA_IMAGE ${setting.text} could not be resolved: ${why}` };
  }
}
