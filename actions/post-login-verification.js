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
  const wasInvited = event.user.app_metadata?.invited === true || roles.length > 0;
  if (event.stats.logins_count === 1 && !wasInvited) {
    api.access.deny("Access denied: Please contact an administrator for an invitation.");
  }

  if (event.connection.strategy === "auth0" && !event.user.email_verified) {
    console.log("User email not verified:", event.user.email);
  }
};
