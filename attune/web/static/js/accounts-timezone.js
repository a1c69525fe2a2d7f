// On the sign-up form, preselect the visitor's own time zone when the list has it.
// Runs only while the choice is still the default, so it never overrides a choice someone made.
const select = document.querySelector("select[data-guess-timezone]");
if (select && select.value === "UTC") {
  const zone = Intl.DateTimeFormat().resolvedOptions().timeZone;
  if (zone && Array.from(select.options).some((option) => option.value === zone)) {
    select.value = zone;
  }
}
