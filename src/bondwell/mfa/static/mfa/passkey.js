// Passkeys (WebAuthn): registration on the security page, the second step on the check page. No inline script.
(function () {
  "use strict";
  function fromB64url(value) {
    const base64 = value.replace(/-/g, "+").replace(/_/g, "/") + "===".slice((value.length + 3) % 4);
    return Uint8Array.from(atob(base64), (c) => c.charCodeAt(0)).buffer;
  }
  function toB64url(buffer) {
    let text = "";
    new Uint8Array(buffer).forEach((b) => { text += String.fromCharCode(b); });
    return btoa(text).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
  }
  function csrf() {
    const input = document.querySelector("input[name=csrfmiddlewaretoken]");
    return input ? input.value : "";
  }
  async function post(url, body) {
    const response = await fetch(url, {
      method: "POST", credentials: "same-origin",
      headers: { "Content-Type": "application/json", "X-CSRFToken": csrf() },
      body: body === undefined ? "{}" : JSON.stringify(body),
    });
    const data = await response.json();
    if (!response.ok) { throw new Error(data.error || "Something went wrong. Try again."); }
    return data;
  }
  function credentialJson(credential) {
    const r = credential.response;
    const json = { id: credential.id, rawId: toB64url(credential.rawId), type: credential.type, response: {
      clientDataJSON: toB64url(r.clientDataJSON) }, clientExtensionResults: credential.getClientExtensionResults() };
    if (r.attestationObject) { json.response.attestationObject = toB64url(r.attestationObject); }
    if (r.authenticatorData) { json.response.authenticatorData = toB64url(r.authenticatorData); }
    if (r.signature) { json.response.signature = toB64url(r.signature); }
    if (r.userHandle) { json.response.userHandle = toB64url(r.userHandle); }
    return json;
  }
  async function register(button) {
    const options = await post(button.dataset.optionsUrl);
    options.challenge = fromB64url(options.challenge);
    options.user.id = fromB64url(options.user.id);
    (options.excludeCredentials || []).forEach((c) => { c.id = fromB64url(c.id); });
    const credential = await navigator.credentials.create({ publicKey: options });
    const nameInput = document.getElementById("passkey-name");
    const result = await post(button.dataset.submitUrl,
      { name: nameInput ? nameInput.value : "", credential: credentialJson(credential) });
    window.location.assign(result.next);
  }
  async function login(button) {
    const options = await post(button.dataset.optionsUrl);
    options.challenge = fromB64url(options.challenge);
    (options.allowCredentials || []).forEach((c) => { c.id = fromB64url(c.id); });
    const credential = await navigator.credentials.get({ publicKey: options });
    const result = await post(button.dataset.submitUrl, credentialJson(credential));
    window.location.assign(result.next);
  }
  document.querySelectorAll("[data-passkey]").forEach((button) => {
    button.addEventListener("click", async () => {
      const error = button.parentElement.parentElement.querySelector("[data-passkey-error]");
      if (error) { error.hidden = true; }
      try {
        await (button.dataset.passkey === "register" ? register(button) : login(button));
      } catch (problem) {
        if (error) { error.textContent = problem.message || "Your passkey could not be used."; error.hidden = false; }
      }
    });
  });
})();
