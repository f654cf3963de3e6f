"""Every Flask extension, unbound; the app factory binds them."""

from flask_babel import Babel
from flask_compress import Compress
from flask_jwt_extended import JWTManager
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_migrate import Migrate
from flask_sqlalchemy import SQLAlchemy
from sqlalchemy import MetaData

from server.errors import JsonErrorApi

# Named constraints so that migrations work the same on SQLite and PostgreSQL.
NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

# Objects keep what they held when their request commits: a request's session ends soon after, and
# reading back every row it just wrote (the default) cost a sale 2 of its 8 statements. Where a value
# is made by the database, the service reads it back itself (db.session.refresh).
db = SQLAlchemy(metadata=MetaData(naming_convention=NAMING_CONVENTION),
                session_options={"expire_on_commit": False})
migrate = Migrate()
api = JsonErrorApi()
babel = Babel()
compress = Compress()
jwt = JWTManager()
limiter = Limiter(key_func=get_remote_address)
