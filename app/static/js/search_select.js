// Searchable selects for large relations: the server is asked as the user
// types (select2 4 ajax), never for the whole table.
$(function () {
  $("select.search-select").each(function () {
    var el = $(this);
    el.select2({
      allowClear: true,
      placeholder: el.data("placeholder") || "",
      minimumInputLength: 0,
      ajax: {
        url: el.data("endpoint"),
        dataType: "json",
        delay: 250,
        data: function (params) { return { q: params.term || "" }; },
        processResults: function (data) { return data; }
      }
    });
  });
});
