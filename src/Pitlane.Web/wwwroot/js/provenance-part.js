// /parts: the search box goes to /parts/{serial} (a path, not ?serial=), so the address can be shared.
(function () {
    var form = document.getElementById('part-search');
    if (!form) return;
    form.addEventListener('submit', function (event) {
        event.preventDefault();
        var serial = form.elements.serial.value.trim();
        if (serial) location.href = '/parts/' + encodeURIComponent(serial);
    });
})();
