// Post-Login Verification: stamps roles into the ID token and denies uninvited users.
// Bound to the post-login trigger by tenants/shared/reporting-dashboard.yaml.
exports.onExecutePostLogin = async (event, api) => {
  // Derive the claim namespace from the redirect URI so one Action serves every environment.
  const redirectUri = new URL(event.request.query.redirect_uri);
  const namespace = `${redirectUri.origin}/claims`;

  const roles = event.user.app_metadata?.roles || [];
  api.idToken.setCustomClaim(`${namespace}/roles`, roles);
  api.idToken.setCustomClaim("email_verified", event.user.email_verified);

  // Invited users carry `invited: true` (set by the admin page) or have roles assigned.
  // Deny every uninvited login, not only the first: Auth0 counts a login in
  // `event.stats.logins_count` before the Actions run, denied ones included, so the runbook's
  // `logins_count === 1` check lets an uninvited user in on their second try.
  const wasInvited = event.user.app_metadata?.invited === true || roles.length > 0;
  if (!wasInvited) {
    api.access.deny("Access denied: Please contact an administrator for an invitation.");
  }

  if (event.connection.strategy === "auth0" && !event.user.email_verified) {
    console.log("User email not verified:", event.user.email);
  }
};
