"use strict";
// Tokens live in memory only (no localStorage): a page reload logs out, which keeps the demo honest.
let tokens = null;
const $ = (id) => document.getElementById(id);

function show(text, isError) {
  const status = $("status");
  status.textContent = text;
  status.className = isError ? "error" : "";
}

function explain(problem) {
  if (!problem || !problem.code) return "Something went wrong.";
  if (problem.errors) {
    return Object.entries(problem.errors).map(([field, messages]) => field + " " + messages.join(", ")).join("; ");
  }
  const words = {
    invalid_credentials: "Wrong username or password.",
    too_many_attempts: "Too many failed attempts; wait a while and try again.",
    username_taken: "That username is taken.",
    email_taken: "That email is already registered.",
    invalid_token: "Your session has ended; please log in again.",
    invalid_grant: "Your session has ended; please log in again.",
    email_not_confirmed: "Please confirm your email address first.",
    server_busy: "The server is busy; try again in a moment.",
    store_unavailable: "The server cannot reach its store; try again shortly.",
    oauth_failed: "The provider login failed; please try again.",
    account_exists: "An account with this email already exists: log in with its password, then use \"Link demo account\".",
    identity_taken: "That demo account is already linked to another user.",
    not_found: "That session has already ended.",
    last_login_method: "That is the account's last way to log in.",
    step_up_required: "Please log in again first: this needs a recent login.",
    mfa_required: "Enter the code from your authenticator app.",
    invalid_code: "That code is wrong, expired or already used.",
    already_enabled: "Two-step login is already on."
  };
  return words[problem.code] || problem.detail || problem.title;
}

async function call(method, path, body, auth) {
  const headers = {};
  if (body) headers["Content-Type"] = "application/json";
  if (auth && tokens) headers["Authorization"] = "Bearer " + tokens.access_token;
  const response = await fetch(path, { method, headers, body: body ? JSON.stringify(body) : undefined });
  const text = await response.text();
  let data = null;
  try { data = text ? JSON.parse(text) : null; } catch (notJson) { /* e.g. a container's HTML error page */ }
  if (!response.ok) throw Object.assign({ status: response.status }, data);
  return data;
}

// "(bob@example.com, not confirmed yet)": whether the logged-in user's email is confirmed.
function emailState(user) {
  if (!user) return "";
  if (!user.email) return " (no email address)";
  return " (" + user.email + (user.email_confirmed ? ", confirmed)" : ", not confirmed yet)");
}

function loggedIn(data) {
  tokens = data;
  show((data.greeting || "Logged in as " + data.user.username) + emailState(data.user) + ".");
}

// An OAuth flow this page starts carries a fresh random "flow" value, kept in sessionStorage (this tab only); the
// server hands it back in the fragment. A fragment without this tab's value is not ours: a crafted link such as
// /#access_token=<someone else's token> would otherwise sign the visitor into another person's account.
function startFlow() {
  const bytes = crypto.getRandomValues(new Uint8Array(24));
  const flow = btoa(String.fromCharCode(...bytes)).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
  sessionStorage.setItem("oauth-flow", flow);
  return flow;
}

function takeFragment() {
  if (!location.hash.includes("access_token=") && !location.hash.includes("status=")) return null;
  const fields = new URLSearchParams(location.hash.substring(1));
  // Wipe it from the address bar and history whatever it says.
  history.replaceState(null, "", location.pathname + location.search);
  const expected = sessionStorage.getItem("oauth-flow");
  sessionStorage.removeItem("oauth-flow");
  if (!expected || fields.get("flow") !== expected) {
    show("Ignored a sign-in link that this page did not start.", true);
    return null;
  }
  return fields;
}

// Back from /auth/oauth/demo: oauth-success-url is this page, with the token response in the fragment
// (form-encoded, never in the query).
let mfaTokenFromFragment = null;
let mfaMethodsFromFragment = [];
const fragment = takeFragment();
if (fragment && fragment.get("access_token")) {
  tokens = { access_token: fragment.get("access_token"), refresh_token: fragment.get("refresh_token") };
  call("GET", "/auth/me", null, true)
    .then((user) => { tokens.user = user; show("Logged in with demo as " + user.username + emailState(user) + "."); })
    .catch((problem) => { tokens = null; show(explain(problem), true); });
} else if (fragment && fragment.get("status") === "linked") {
  // Tokens live in memory, so the navigation ended the page's session; the account now has the identity.
  show("Linked the " + fragment.get("provider") + " account. Log in again (with the password or with demo).");
} else if (!fragment && location.hash.includes("error=")) {
  // A failed OAuth login or link lands here too, with error and error_description in the fragment. It signs no
  // one in, so it needs no flow value: it is only shown, in words.
  const fields = new URLSearchParams(location.hash.substring(1));
  history.replaceState(null, "", location.pathname + location.search);
  show(explain({ code: fields.get("error"), detail: fields.get("error_description") }), true);
  if (fields.get("error") === "mfa_required") {
    // A demo login of a user with two-step login on: the code goes to /auth/mfa/verify with this token. A crafted
    // link can at most ask for a code of someone else's account, which the visitor does not have.
    mfaTokenFromFragment = fields.get("mfa_token");
    mfaMethodsFromFragment = (fields.get("mfa_methods") || "").split(" ");
  }
}

$("oauth-demo").onclick = () => location.assign("/auth/oauth/demo?flow=" + startFlow());

// Linking starts from the session: the server answers the provider's URL (its state bound to this session and to a
// cookie of this browser), and the page navigates there. Back here the fragment says status=linked.
$("link-demo").onclick = async () => {
  if (!tokens) return show("Log in first, then link the demo account.", true);
  try {
    const flow = startFlow();
    location.assign((await call("POST", "/auth/identities/demo/link?flow=" + flow, null, true)).authorize_url);
  } catch (problem) { show(explain(problem), true); }
};

$("register").onclick = async () => {
  try {
    const password = $("reg-password").value;
    const data = await call("POST", "/auth/register", {
      username: $("reg-username").value, email: $("reg-email").value,
      password, password_confirmation: password });
    if (data.status === "confirmation_required") show("Registered. Confirm your email, then log in.");
    else loggedIn(data);
    loadOutbox($("reg-email").value);
  } catch (problem) { show(explain(problem), true); }
};

// With two-step login on, a right password answers 403 mfa_required with a one-time mfa_token: the form then asks
// for the code and sends both to /auth/mfa/verify.
let mfaToken = null;
if (mfaTokenFromFragment) askSecondFactor(mfaTokenFromFragment, mfaMethodsFromFragment);

// The form for the second factor: the code field always, "Use a passkey" when the account has one.
function askSecondFactor(token, methods) {
  mfaToken = token;
  $("login-mfa").hidden = false;
  $("login-passkey").hidden = !(methods || []).includes("passkey");
}

$("login").onclick = async () => {
  try {
    loggedIn(await call("POST", "/auth/login", {
      username: $("login-username").value, password: $("login-password").value }));
  } catch (problem) {
    if (problem.code === "mfa_required") {
      askSecondFactor(problem.mfa_token, problem.mfa_methods);
      $("login-code").focus();
    }
    const orPasskey = problem.code === "mfa_required" && !$("login-passkey").hidden ? " Or use a passkey." : "";
    show(explain(problem) + orPasskey, problem.code !== "mfa_required");
  }
};

$("login-verify").onclick = async () => {
  const typed = $("login-code").value.trim();
  // Six digits are an app code; anything else is taken as a recovery code.
  const body = /^[0-9 ]+$/.test(typed) ? { mfa_token: mfaToken, code: typed }
                                        : { mfa_token: mfaToken, recovery_code: typed };
  try {
    loggedIn(await call("POST", "/auth/mfa/verify", body));
    secondFactorDone();
  } catch (problem) { show(explain(problem), true); }
};

function secondFactorDone() {
  mfaToken = null;
  $("login-mfa").hidden = true;
  $("login-code").value = "";
}

$("mfa-setup").onclick = async () => {
  if (!tokens) return show("Log in first.", true);
  try {
    const setup = await call("POST", "/auth/mfa/totp/setup", { password: $("mfa-password").value }, true);
    $("mfa-secret").textContent = setup.secret;
    // The QR code is drawn by the example server (ZXing); the URI goes in a POST body, never in a URL.
    const qr = await fetch("/api/qr", { method: "POST", headers: { "Authorization": "Bearer " + tokens.access_token,
      "Content-Type": "text/plain" }, body: setup.otpauth_uri });
    const svg = new DOMParser().parseFromString(await qr.text(), "image/svg+xml").documentElement;
    $("mfa-qr").replaceChildren(document.importNode(svg, true));
    $("mfa-pending").hidden = false;
    show("Scan the code, then type the six digits your app shows.");
  } catch (problem) { show(explain(problem), true); }
};

$("mfa-confirm").onclick = async () => {
  try {
    const done = await call("POST", "/auth/mfa/totp/confirm", { code: $("mfa-code").value }, true);
    $("mfa-pending").hidden = true;
    $("mfa-recovery").replaceChildren(...done.recovery_codes.map((code) => {
      const item = document.createElement("li");
      item.textContent = code;
      return item;
    }));
    show("Two-step login is on. Keep the recovery codes somewhere safe.");
  } catch (problem) { show(explain(problem), true); }
};

$("mfa-disable").onclick = async () => {
  if (!tokens) return show("Log in first.", true);
  try {
    await call("DELETE", "/auth/mfa/totp", { password: $("mfa-password").value }, true);
    $("mfa-recovery").replaceChildren();
    show("Two-step login is off.");
  } catch (problem) { show(explain(problem), true); }
};

$("recent").onclick = async () => {
  try { show("The server says: " + JSON.stringify(await call("GET", "/api/recent", null, true))); }
  catch (problem) { show(explain(problem), true); }
};

$("mfa-api").onclick = async () => {
  try { show("The server says: " + JSON.stringify(await call("GET", "/api/mfa", null, true))); }
  catch (problem) {
    show(problem.code === "step_up_required" ? "This needs a login with a second factor." : explain(problem), true);
  }
};

$("hello").onclick = async () => {
  try { show("The server says: " + JSON.stringify(await call("GET", "/api/hello", null, true))); }
  catch (problem) { show(explain(problem), true); }
};

$("refresh").onclick = async () => {
  if (!tokens) return show("Log in first.", true);
  try { loggedIn(await call("POST", "/auth/refresh", { refresh_token: tokens.refresh_token })); }
  catch (problem) { tokens = null; show(explain(problem), true); }
};

// The outbox. Mail is sent on the server's mail threads, so right after registering the message may take a
// moment: waitFor (an address) polls a few times until a message to it is there.
async function loadOutbox(waitFor) {
  const note = $("outbox-note"), list = $("outbox-list");
  let messages;
  try {
    for (let attempt = 0; ; attempt++) {
      messages = await call("GET", "/dev/outbox");
      if (!waitFor || attempt >= 20 || messages.some((m) => m.to.toLowerCase() === waitFor.toLowerCase())) break;
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
  } catch (problem) {
    list.replaceChildren();
    note.textContent = problem.status === 404 ? "No outbox: this server sends real email."
                                              : "Could not load the outbox: " + explain(problem);
    return;
  }
  note.textContent = messages.length ? messages.length + " message(s), newest last." : "No mail sent yet.";
  list.replaceChildren(...messages.map(outboxItem));
}

function outboxItem(message) {
  const item = document.createElement("li");
  const subject = document.createElement("strong");
  subject.textContent = message.subject;
  const meta = document.createElement("div");
  meta.className = "meta";
  meta.textContent = "To " + message.to + ", sent " + message.sent_at.replace("T", " ").replace(/\.\d+/, "").replace("Z", " UTC");
  item.append(subject, meta);
  const link = confirmLink(message.text);
  if (link) {
    const button = document.createElement("button");
    button.className = "confirm";
    button.type = "button";
    button.textContent = "Confirm";
    button.onclick = async () => {
      const done = link.emailChange ? await confirmEmailChange(link.token) : await confirmEmail(link.token);
      if (done) { button.disabled = true; button.textContent = "Confirmed"; }
    };
    item.append(button);
  }
  return item;
}

// The first ".../confirm?token=..." link in a message's text: its token, and whether it confirms an email change
// (".../email/change/confirm") or a registration; null when there is none.
function confirmLink(text) {
  for (const word of text.split(/\s+/)) {
    try {
      const link = new URL(word);
      if (link.pathname.endsWith("/confirm") && link.searchParams.get("token")) {
        return { token: link.searchParams.get("token"), emailChange: link.pathname.endsWith("/email/change/confirm") };
      }
    } catch (notALink) { /* next word */ }
  }
  return null;
}

// POST /auth/email/change/confirm: the account now has the new, confirmed address. True when changed.
async function confirmEmailChange(token) {
  try {
    const user = await call("POST", "/auth/email/change/confirm", { token });
    if (tokens) tokens.user = user;
    show("Email changed to " + user.email + ".");
    return true;
  } catch (problem) {
    show(problem.code === "invalid_grant" ? "That link is invalid, used or expired." : explain(problem), true);
    return false;
  }
}

// The sessions of this account, newest first: this one marked, the others with an End button.
async function loadSessions() {
  if (!tokens) return show("Log in first.", true);
  try {
    const data = await call("GET", "/auth/sessions", null, true);
    $("sessions-note").textContent = data.sessions.length + " live session(s), newest first.";
    $("sessions-list").replaceChildren(...data.sessions.map(sessionItem));
  } catch (problem) { show(explain(problem), true); }
}

function sessionItem(session) {
  const item = document.createElement("li");
  item.dataset.sessionId = session.id;
  const what = document.createElement("span");
  what.textContent = (session.user_agent || "Unknown browser") + " from " + (session.ip || "an unknown address")
    + " (" + session.method + "), since " + session.created_at.replace("T", " ").replace(/\.\d+/, "").replace("Z", " UTC");
  item.append(what);
  if (session.current) {
    const mark = document.createElement("strong");
    mark.className = "current";
    mark.textContent = " This session";
    item.append(mark);
  } else {
    const end = document.createElement("button");
    end.type = "button";
    end.className = "end-session";
    end.textContent = "End";
    end.onclick = async () => {
      try {
        await call("DELETE", "/auth/sessions/" + encodeURIComponent(session.id), null, true);
        show("Session ended.");
      } catch (problem) { show(explain(problem), true); }
      loadSessions();
    };
    item.append(end);
  }
  return item;
}

$("sessions-load").onclick = loadSessions;

$("logout-others").onclick = async () => {
  if (!tokens) return show("Log in first.", true);
  try {
    await call("POST", "/auth/logout-others", null, true);
    show("Logged out everywhere else.");
    loadSessions();
  } catch (problem) { show(explain(problem), true); }
};

$("change-email").onclick = async () => {
  if (!tokens) return show("Log in first.", true);
  const newEmail = $("new-email").value;
  try {
    await call("POST", "/auth/email/change", { password: $("change-email-password").value, new_email: newEmail }, true);
    show("Check " + newEmail + " for the link that confirms the change.");
    loadOutbox(newEmail);
  } catch (problem) { show(explain(problem), true); }
};

// POST /auth/confirm; when logged in, GET /auth/me then shows the fresh confirmed state. True when confirmed.
async function confirmEmail(token) {
  try {
    await call("POST", "/auth/confirm", { token });
  } catch (problem) {
    show(problem.code === "invalid_grant" ? "That confirmation link is invalid, used or expired."
                                          : explain(problem), true);
    return false;
  }
  show("Email confirmed.");
  if (tokens) {
    try {
      tokens.user = await call("GET", "/auth/me", null, true);
      show("Email confirmed. Logged in as " + tokens.user.username + emailState(tokens.user) + ".");
    } catch (ignored) { /* the confirmation itself worked */ }
  }
  return true;
}

$("outbox-load").onclick = () => loadOutbox();

$("logout").onclick = async () => {
  if (!tokens) return show("Not logged in.");
  try { await call("POST", "/auth/logout", null, true); } catch (ignored) { /* already over */ }
  tokens = null;
  $("passkeys-list").replaceChildren();
  $("passkeys-note").textContent = "Log in to see your passkeys.";
  show("Logged out.");
};

// ---- Passkeys (WebAuthn) ----
// The server sends the Level 3 JSON form of the options and takes the JSON form of the credential. Browsers that
// have PublicKeyCredential.parseCreationOptionsFromJSON / parseRequestOptionsFromJSON and credential.toJSON() do the
// conversion themselves; for the others the base64url fields are converted here.

function toBase64url(buffer) {
  const bytes = new Uint8Array(buffer);
  let text = "";
  for (const byte of bytes) text += String.fromCharCode(byte);
  return btoa(text).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
}

function fromBase64url(text) {
  const base64 = text.replace(/-/g, "+").replace(/_/g, "/") + "===".slice((text.length + 3) % 4);
  return Uint8Array.from(atob(base64), (c) => c.charCodeAt(0));
}

const withBinaryId = (descriptor) => Object.assign({}, descriptor, { id: fromBase64url(descriptor.id) });

function creationOptions(json) {
  if (typeof PublicKeyCredential.parseCreationOptionsFromJSON === "function") {
    return PublicKeyCredential.parseCreationOptionsFromJSON(json);
  }
  return Object.assign({}, json, {
    challenge: fromBase64url(json.challenge),
    user: Object.assign({}, json.user, { id: fromBase64url(json.user.id) }),
    excludeCredentials: (json.excludeCredentials || []).map(withBinaryId)
  });
}

function requestOptions(json) {
  if (typeof PublicKeyCredential.parseRequestOptionsFromJSON === "function") {
    return PublicKeyCredential.parseRequestOptionsFromJSON(json);
  }
  return Object.assign({}, json, {
    challenge: fromBase64url(json.challenge),
    allowCredentials: (json.allowCredentials || []).map(withBinaryId)
  });
}

// RegistrationResponseJSON or AuthenticationResponseJSON, as credential.toJSON() gives them.
function credentialJson(credential) {
  if (typeof credential.toJSON === "function") return credential.toJSON();
  const response = credential.response;
  const json = {
    id: credential.id, rawId: toBase64url(credential.rawId), type: credential.type,
    authenticatorAttachment: credential.authenticatorAttachment || null,
    clientExtensionResults: credential.getClientExtensionResults(),
    response: { clientDataJSON: toBase64url(response.clientDataJSON) }
  };
  if (response.attestationObject) {
    json.response.attestationObject = toBase64url(response.attestationObject);
    json.response.transports = typeof response.getTransports === "function" ? response.getTransports() : [];
    if (typeof response.getAuthenticatorData === "function") {
      json.response.authenticatorData = toBase64url(response.getAuthenticatorData());
    }
    if (typeof response.getPublicKeyAlgorithm === "function") {
      json.response.publicKeyAlgorithm = response.getPublicKeyAlgorithm();
      const publicKey = response.getPublicKey();
      if (publicKey) json.response.publicKey = toBase64url(publicKey);
    }
  } else {
    json.response.authenticatorData = toBase64url(response.authenticatorData);
    json.response.signature = toBase64url(response.signature);
    json.response.userHandle = response.userHandle ? toBase64url(response.userHandle) : null;
  }
  return json;
}

// Options from the server, the browser's ceremony, and what goes back: {ceremony, credential}.
async function passkeyCeremony(optionsPath, optionsBody, auth, create) {
  if (!window.PublicKeyCredential) throw { browser: "unsupported" };
  const options = await call("POST", optionsPath, optionsBody, auth);
  let credential;
  try {
    credential = create ? await navigator.credentials.create({ publicKey: creationOptions(options.publicKey) })
                        : await navigator.credentials.get({ publicKey: requestOptions(options.publicKey) });
  } catch (refused) {
    throw { browser: refused.name || "Error", message: refused.message };
  }
  if (!credential) throw { browser: "NotAllowedError" };
  return { ceremony: options.ceremony, credential: credentialJson(credential) };
}

// Words for what the browser or the server said. A refused passkey is one 401 invalid_credentials whatever check
// failed (the server says which only in its security log).
function explainPasskey(problem) {
  const browser = {
    unsupported: "This browser has no passkeys.",
    NotAllowedError: "No passkey was used (cancelled, timed out or none for this site).",
    InvalidStateError: "This device already holds a passkey for this account.",
    SecurityError: "Passkeys work only on this site's own address (https, or http://localhost).",
    NotSupportedError: "This device cannot make a passkey of the kind the server asks for."
  };
  if (problem && problem.browser) return browser[problem.browser] || "The browser said: " + problem.message;
  if (problem && problem.code === "invalid_credentials") return "That passkey was not accepted.";
  // The passkey routes answer 404 when the server has no relying party (no base-url, no webauthn-rp-id).
  if (problem && problem.code === "not_found") return "This server has passkeys turned off.";
  return explain(problem);
}

function when(instant) {
  return instant ? instant.replace("T", " ").replace(/\.\d+/, "").replace("Z", " UTC") : "never";
}

async function loadPasskeys() {
  if (!tokens) return show("Log in first.", true);
  try {
    const data = await call("GET", "/auth/passkeys", null, true);
    $("passkeys-note").textContent = data.passkeys.length ? data.passkeys.length + " passkey(s)." : "No passkeys yet.";
    $("passkeys-list").replaceChildren(...data.passkeys.map(passkeyItem));
  } catch (problem) { show(explainPasskey(problem), true); }
}

function passkeyItem(passkey) {
  const item = document.createElement("li");
  item.dataset.passkeyId = passkey.id;
  const what = document.createElement("span");
  what.className = "what";
  what.textContent = passkey.name + ", added " + when(passkey.created_at) + ", last used " + when(passkey.last_used_at);
  const rename = document.createElement("button");
  rename.type = "button";
  rename.className = "rename-passkey";
  rename.textContent = "Rename";
  rename.title = "Rename to the name typed above";
  rename.onclick = async () => {
    const name = $("passkey-name").value.trim();
    if (!name) return show("Type the new name in the Name field first.", true);
    try {
      const renamed = await call("PATCH", "/auth/passkeys/" + encodeURIComponent(passkey.id), { name }, true);
      show("Renamed the passkey to \"" + renamed.name + "\".");
    } catch (problem) { show(explain(problem), true); }
    loadPasskeys();
  };
  const remove = document.createElement("button");
  remove.type = "button";
  remove.className = "remove-passkey";
  remove.textContent = "Remove";
  remove.onclick = async () => {
    try {
      await call("DELETE", "/auth/passkeys/" + encodeURIComponent(passkey.id), null, true);
      show("Removed the passkey \"" + passkey.name + "\".");
    } catch (problem) {
      show(problem.code === "not_found" ? "That passkey is already gone." : explain(problem), true);
    }
    loadPasskeys();
  };
  item.append(what, rename, remove);
  return item;
}

$("passkeys-load").onclick = loadPasskeys;

$("passkey-add").onclick = async () => {
  if (!tokens) return show("Log in first, then add a passkey.", true);
  try {
    const body = await passkeyCeremony("/auth/passkeys/register/options", null, true, true);
    const name = $("passkey-name").value.trim();
    if (name) body.name = name;
    const passkey = await call("POST", "/auth/passkeys/register", body, true);
    $("passkey-name").value = "";
    show("Added the passkey \"" + passkey.name + "\".");
    loadPasskeys();
  } catch (problem) { show(explainPasskey(problem), true); }
};

// Usernameless: the options name no account; the passkey the person picks says whose it is.
$("passkey-login").onclick = async () => {
  try {
    const body = await passkeyCeremony("/auth/passkeys/login/options", {}, false, false);
    loggedIn(await call("POST", "/auth/passkeys/login", body));
    secondFactorDone();
  } catch (problem) { show(explainPasskey(problem), true); }
};

// The second factor after a password (or a provider): the options list this account's passkeys and the ceremony
// finishes only at /auth/mfa/verify with the same mfa_token.
$("login-passkey").onclick = async () => {
  if (!mfaToken) return show("Log in with your password first.", true);
  try {
    const body = await passkeyCeremony("/auth/passkeys/login/options", { mfa_token: mfaToken }, false, false);
    body.mfa_token = mfaToken;
    loggedIn(await call("POST", "/auth/mfa/verify", body));
    secondFactorDone();
  } catch (problem) {
    // /auth/mfa/verify refuses a passkey as it refuses a code (invalid_code); a dead mfa_token is invalid_grant.
    const words = { invalid_grant: "The login has expired; enter your password again.",
                    invalid_code: "That passkey was not accepted." };
    show(words[problem.code] || explainPasskey(problem), true);
  }
};

// Re-authentication of this session: a fresh auth_time, and aal 2 (a user-verifying passkey is two factors).
$("passkey-reauth").onclick = async () => {
  if (!tokens) return show("Log in first.", true);
  try {
    const body = await passkeyCeremony("/auth/passkeys/reauth/options", null, true, false);
    const done = await call("POST", "/auth/reauth", body, true);
    show("Confirmed it's you with a passkey (" + done.amr.join(", ") + ", level " + done.aal + ").");
    if ($("passkeys-list").children.length) loadPasskeys(); // its "last used" moved
  } catch (problem) { show(explainPasskey(problem), true); }
};
