from emergency import create_app

app = create_app()
