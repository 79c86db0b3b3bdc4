"""What the pages share (never a page itself): the page list and the router guard, session helpers, widgets."""
