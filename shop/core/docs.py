"""Swagger UI assets served locally, so /api/v1/docs works with no internet."""
from flask import Blueprint, Flask


def init_app(app: Flask) -> None:
    import swagger_ui_bundle

    bp = Blueprint("docs_assets", __name__, static_folder=swagger_ui_bundle.swagger_ui_path,
                   static_url_path="/api/v1/docs-assets")
    app.register_blueprint(bp)
