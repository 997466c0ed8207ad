"""The carbonkit service: FastAPI routers, SQLModel tables, keys and settings. It calls the carbonkit core."""
