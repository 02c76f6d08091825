"""Collections: curated, localised, ordered halls of products (admin CRUD)."""
from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from shop.core.errors import NotFound

from ..errors import SlugTaken
from ..models import Collection, CollectionItem, Product

FIELDS = ("slug", "titles", "descriptions", "position", "active")


def get_collection(session: Session, key: str, *, active_only: bool = False) -> Collection:
    """By id or slug."""
    collection = session.get(Collection, key) or session.scalar(select(Collection).where(Collection.slug == key))
    if collection is None or (active_only and not collection.active):
        raise NotFound()
    return collection


def list_collections(*, active_only: bool = False):
    query = select(Collection)
    if active_only:
        query = query.where(Collection.active.is_(True))
    return query.order_by(Collection.position, Collection.slug)


def _set_products(session: Session, collection: Collection, product_ids: list[str]) -> None:
    found = set(session.scalars(select(Product.id).where(Product.id.in_(product_ids)))) if product_ids else set()
    missing = [pid for pid in product_ids if pid not in found]
    if missing:
        raise NotFound(errors={"product_ids": missing})
    collection.items.clear()
    session.flush()
    for position, product_id in enumerate(dict.fromkeys(product_ids)):
        collection.items.append(CollectionItem(product_id=product_id, position=position))


def create_collection(session: Session, data: dict) -> Collection:
    if session.scalar(select(Collection.id).where(Collection.slug == data["slug"])):
        raise SlugTaken()
    collection = Collection(**{k: data[k] for k in FIELDS if k in data})
    session.add(collection)
    session.flush()
    if "product_ids" in data:
        _set_products(session, collection, data["product_ids"])
    session.flush()
    return collection


def update_collection(session: Session, collection: Collection, changes: dict) -> Collection:
    if "slug" in changes and changes["slug"] != collection.slug:
        if session.scalar(select(Collection.id).where(Collection.slug == changes["slug"])):
            raise SlugTaken()
    for key in FIELDS:
        if key in changes:
            setattr(collection, key, changes[key])
    if "product_ids" in changes:
        _set_products(session, collection, changes["product_ids"])
    session.flush()
    return collection


def delete_collection(session: Session, collection: Collection) -> None:
    session.delete(collection)
    session.flush()
