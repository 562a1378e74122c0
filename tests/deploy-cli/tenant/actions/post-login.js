/**
 * Denies a login whose email is outside the domain held in the ALLOWED_DOMAIN secret and
 * stamps a namespaced claim otherwise.
 *
 * @param {Event} event
 * @param {PostLoginAPI} api
 */
exports.onExecutePostLogin = async (event, api) => {
  const email = event.user.email || '';
  if (!email.endsWith(`@${event.secrets.ALLOWED_DOMAIN}`)) {
    api.access.deny('This application is invite-only.');
    return;
  }
  api.idToken.setCustomClaim('https://example.com/domain', event.secrets.ALLOWED_DOMAIN);
};
