"""The storyboard web page: server-rendered pages, a little plain JavaScript, no build step."""
