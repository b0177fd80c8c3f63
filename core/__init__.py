"""Platform-free core of the IMA chat bot."""
