// A passkey the browser or the key refused (cancelled, timed out, unknown key): say so on
// the page instead of only in the console (allauth's webauthn.js sends "allauth.error").
document.addEventListener('allauth.error', function (event) {
  const box = document.getElementById('webauthn-error')
  if (box) {
    box.classList.remove('d-none')
    event.preventDefault()
  }
})
