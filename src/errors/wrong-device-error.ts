import { EnchantedLinkError } from './enchanted-link-error.js';

/**
 * {@link verifyFromUrl} sent nothing: no tab of this browser is waiting for the sign-in this link belongs
 * to, so the link was opened on another device or browser (a mail scanner's included), and other devices
 * were not allowed. Tell the person to open the link on the device where they started. Raised before any
 * request, after the page's handshake found no waiting tab (at most half a second).
 *
 * To let a click on another device verify, knowing that a scanner which clicks can then complete a
 * stranger's sign-in, see {@link VerifyFromUrlOptions.acceptClickingScannerRisk} and the Security guide.
 *
 * @category Errors
 */
export class WrongDeviceError extends EnchantedLinkError {
  /** @internal */
  constructor() {
    super('No tab of this browser is waiting for this sign-in: open the link on the device where you started');
  }
}
WrongDeviceError.prototype.name = 'WrongDeviceError';
