"""faces: missing-persons gallery, ad faces, candidates, reviews

Revision ID: 0002_faces
Revises: 0001
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0002_faces"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('ad_faces',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('sha256', sa.String(length=64), nullable=False),
    sa.Column('number', sa.Integer(), nullable=False),
    sa.Column('box', sa.JSON(), nullable=False),
    sa.Column('model', sa.String(length=100), nullable=False),
    sa.Column('embedding', sa.LargeBinary(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_ad_faces')),
    sa.UniqueConstraint('sha256', 'model', 'number', name=op.f('uq_ad_faces_sha256_model_number'))
    )
    op.create_table('face_images',
    sa.Column('sha256', sa.String(length=64), nullable=False),
    sa.Column('model', sa.String(length=100), nullable=False),
    sa.Column('faces', sa.Integer(), nullable=False),
    sa.Column('error', sa.Text(), nullable=True),
    sa.Column('processed_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('sha256', 'model', name=op.f('pk_face_images'))
    )
    op.create_table('face_persons',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('ext_id', sa.String(length=200), nullable=False),
    sa.Column('name_enc', sa.Text(), nullable=False),
    sa.Column('dob_enc', sa.Text(), nullable=True),
    sa.Column('missing_since', sa.String(length=10), nullable=True),
    sa.Column('agency', sa.String(length=200), nullable=True),
    sa.Column('contact', sa.String(length=200), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_face_persons')),
    sa.UniqueConstraint('ext_id', name=op.f('uq_face_persons_ext_id'))
    )
    op.create_table('face_gallery',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('person_id', sa.Integer(), nullable=False),
    sa.Column('sha256', sa.String(length=64), nullable=False),
    sa.Column('photo', sa.Text(), nullable=False),
    sa.Column('box', sa.JSON(), nullable=False),
    sa.Column('model', sa.String(length=100), nullable=False),
    sa.Column('embedding', sa.LargeBinary(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['person_id'], ['face_persons.id'], name=op.f('fk_face_gallery_person_id_face_persons')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_face_gallery')),
    sa.UniqueConstraint('person_id', 'sha256', 'model', name=op.f('uq_face_gallery_person_id_sha256_model'))
    )
    op.create_index('ix_face_gallery_model', 'face_gallery', ['model'], unique=False)
    op.create_table('face_candidates',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('ad_face_id', sa.Integer(), nullable=False),
    sa.Column('person_id', sa.Integer(), nullable=False),
    sa.Column('gallery_face_id', sa.Integer(), nullable=False),
    sa.Column('rank', sa.Integer(), nullable=False),
    sa.Column('distance', sa.Float(), nullable=False),
    sa.Column('confidence', sa.String(length=20), nullable=False),
    sa.Column('threshold', sa.Float(), nullable=False),
    sa.Column('model', sa.String(length=100), nullable=False),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('decided_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['ad_face_id'], ['ad_faces.id'], name=op.f('fk_face_candidates_ad_face_id_ad_faces')),
    sa.ForeignKeyConstraint(['gallery_face_id'], ['face_gallery.id'], name=op.f('fk_face_candidates_gallery_face_id_face_gallery')),
    sa.ForeignKeyConstraint(['person_id'], ['face_persons.id'], name=op.f('fk_face_candidates_person_id_face_persons')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_face_candidates')),
    sa.UniqueConstraint('ad_face_id', 'person_id', name=op.f('uq_face_candidates_ad_face_id_person_id'))
    )
    op.create_index('ix_face_candidates_status', 'face_candidates', ['status'], unique=False)
    op.create_table('face_reviews',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('candidate_id', sa.Integer(), nullable=False),
    sa.Column('decision', sa.String(length=20), nullable=False),
    sa.Column('reason', sa.Text(), nullable=False),
    sa.Column('reviewer', sa.String(length=200), nullable=False),
    sa.Column('at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['candidate_id'], ['face_candidates.id'], name=op.f('fk_face_reviews_candidate_id_face_candidates')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_face_reviews'))
    )
    op.create_index(op.f('ix_face_reviews_candidate_id'), 'face_reviews', ['candidate_id'], unique=False)


def downgrade() -> None:
    op.drop_index(op.f('ix_face_reviews_candidate_id'), table_name='face_reviews')
    op.drop_table('face_reviews')
    op.drop_index('ix_face_candidates_status', table_name='face_candidates')
    op.drop_table('face_candidates')
    op.drop_index('ix_face_gallery_model', table_name='face_gallery')
    op.drop_table('face_gallery')
    op.drop_table('face_persons')
    op.drop_table('face_images')
    op.drop_table('ad_faces')
