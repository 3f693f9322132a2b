// The language switcher of every page sends its form when a language is chosen (an inline
// onchange handler before: the Content-Security-Policy allows no inline script).
const select = document.getElementById("language-select");
if (select) select.addEventListener("change", () => select.form.submit());
